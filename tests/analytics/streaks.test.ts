import { describe, expect, it } from 'vitest';
import { inFlight } from '../../helpers/pool.js';
import { useStack } from '../../helpers/stack.js';
import { newEntry, newUser } from '../../helpers/factories.js';
import { instantAt, localDateOf, shiftDate } from './oracle.js';

const stack = useStack();

describe('streaks', { meta: { classes: [18, 23] } }, () => {
  it('count strictly consecutive local days over the whole history, whatever the window, beyond the original 100-day lookback', async () => {
    const tz = 'Europe/Berlin';
    const { got: u } = await newUser(stack.api, { timezone: tz });
    const today = localDateOf(new Date(), tz);
    // 120 consecutive days ending yesterday, then a gap, then 3 older days.
    const dates = [...Array.from({ length: 120 }, (_, i) => shiftDate(today, -1 - i)), ...[0, 1, 2].map((i) => shiftDate(today, -130 - i))];
    // The writes start in order, so the seed alone decides their content; 8 at a time, since a burst of 123
    // tests a deployment's connection pool, not streaks (the order in which they land changes no figure).
    await inFlight(dates, 8, (d) => newEntry(stack.api, u, { title: d, created_at: instantAt(d, 21, 0, tz).toISOString() }));
    const history = { current_streak: 120, longest_streak: 120, total_active_days: 123, last_entry_date: shiftDate(today, -1) };
    // A streak is a property of the user's history (docs/CONTRACT.md, Analytics): the window bounds the
    // window's figures (active_days, consistency), never the streaks, so every `days` answers the same streaks.
    for (const days of [7, 30, 365]) {
      const w = await stack.api.ok('writingAnalytics', { query: { user_id: u.id, days } });
      expect(w.streak_info, `days=${days}`).toEqual(history);
      // Today has no entry: a window of 7 or 30 days holds days-1 of the run, a year all 123 days.
      const active = days === 365 ? 123 : days - 1;
      expect(w.active_days, `days=${days}`).toBe(active);
      expect(w.consistency_percentage, `days=${days}`).toBe(Math.round((active / days) * 100 * 100) / 100);
    }
  });
});
