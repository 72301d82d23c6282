import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../helpers/api.js';
import { inFlight } from '../../helpers/pool.js';
import { useStack } from '../../helpers/stack.js';
import { fixtures, newEntry, newUser } from '../../helpers/factories.js';
import type { Entry } from '../../src/contract/entries.js';
import type { Language } from '../../src/contract/enums.js';
import { expectedMood, expectedWriting, sameFigures, instantAt, localDateOf, recentOffsetChanges, shiftDate } from './oracle.js';

const stack = useStack();

async function write(api: ApiClient, userId: string, at: Date, language: Language = 'en'): Promise<Entry> {
  return (await newEntry(api, userId, { created_at: at.toISOString(), language })).got;
}

/** Asks the API and the oracle for the same window; a window crossing midnight mid-call may match either side. */
async function expectAnalyticsMatch(userId: string, entries: Entry[], tz: string, days: number) {
  const before = new Date();
  const mood = await stack.api.ok('moodAnalytics', { query: { user_id: userId, days, tz } });
  const writing = await stack.api.ok('writingAnalytics', { query: { user_id: userId, days, tz } });
  const after = new Date();
  const { generated_at: _g1, chat: _c, ...moodBody } = mood;
  const { generated_at: _g2, ...writingBody } = writing;
  const candidates = [before, after].map((now) => ({
    mood: expectedMood(entries, now, days, tz),
    writing: expectedWriting(entries, now, days, tz),
  }));
  // Strict: this project's exact answer. Behaviour: the same figures in the deployment's own layout.
  const view = (expected: unknown, got: unknown) => (stack.api.conformance === 'strict' ? [expected, got] : sameFigures(expected, got));
  const same = (expected: unknown, got: unknown) => {
    const [e, g] = view(expected, got);
    return isDeepStrictEqual(e, g);
  };
  const match = candidates.find((c) => same(c.mood, moodBody) && same(c.writing, writingBody));
  // Soft: every user, zone and window that differs from the oracle is reported, not only the first.
  const which = `user ${userId} tz=${tz} days=${days}`;
  if (!match) {
    const [mood1, writing1] = [view(candidates[1]!.mood, moodBody), view(candidates[1]!.writing, writingBody)];
    expect.soft(mood1[1], `mood analytics, ${which}`).toEqual(mood1[0]);
    expect.soft(writing1[1], `writing analytics, ${which}`).toEqual(writing1[0]);
  }
  const pct = Object.values(mood.mood_distribution).reduce((a, m) => a + m.percentage, 0);
  if (mood.statistics.total_entries > 0) expect.soft(Math.round(pct * 100) / 100, `mood percentages sum, ${which}`).toBe(100);
  expect
    .soft(writing.streak_info.current_streak, `current_streak <= longest_streak, ${which}`)
    .toBeLessThanOrEqual(writing.streak_info.longest_streak);
  return { mood, writing };
}

describe('analytics are user-scoped and equal an independent oracle', { meta: { classes: [15, 16, 17, 18, 19, 20, 21, 24, 25] } }, () => {
  it('several users with random data: each user sees exactly their own figures', async () => {
    const f = fixtures();
    const users = await Promise.all(
      ['UTC', 'America/Los_Angeles', 'Europe/Berlin', 'Pacific/Kiritimati'].map(
        async (timezone) => (await newUser(stack.api, { timezone })).got,
      ),
    );
    // Every random draw first, in a fixed order, so the seed alone decides the data; then the writes at once.
    const plans = users.map((u) =>
      Array.from({ length: f.int(6, 12) }, () => ({
        user: u.id,
        at: new Date(Date.now() - f.int(0, 40) * 86_400_000 - f.int(60, 86_000) * 1000),
        lang: f.pick(['en', 'de'] as const),
      })),
    );
    // Eight writes at a time, started in plan order (the same draws as all at once): a burst of every
    // user's entries tests a deployment's connection pool, not its analytics.
    const flat = await inFlight(plans.flat(), 8, (p) => write(stack.api, p.user, p.at, p.lang));
    const written = plans.map((plan, i) => flat.slice(plans.slice(0, i).flat().length).slice(0, plan.length));
    await Promise.all(users.flatMap((u, i) => [7, 30, 365].map((days) => expectAnalyticsMatch(u.id, written[i]!, u.timezone, days))));
  });

  it("one user's writes never change another's figures; a write shows immediately; a soft delete drops out", async () => {
    const [a, b] = [(await newUser(stack.api)).got, (await newUser(stack.api)).got];
    const aEntries = [await write(stack.api, a.id, new Date(Date.now() - 86_400_000))];
    const bBefore = await expectAnalyticsMatch(b.id, [], 'UTC', 30);
    const first = await expectAnalyticsMatch(a.id, aEntries, 'UTC', 30);
    const extra = await write(stack.api, a.id, new Date(Date.now() - 60_000));
    aEntries.push(extra);
    const second = await expectAnalyticsMatch(a.id, aEntries, 'UTC', 30);
    expect.soft(second.writing.total_entries, 'total_entries right after a write').toBe(first.writing.total_entries + 1);
    const bAfter = await expectAnalyticsMatch(b.id, [], 'UTC', 30);
    expect
      .soft(bAfter.writing, "the other user's writing analytics")
      .toEqual({ ...bBefore.writing, generated_at: bAfter.writing.generated_at });
    await stack.api.ok('deleteEntry', { params: { id: extra.id }, query: { user_id: a.id } }, 204);
    const third = await expectAnalyticsMatch(a.id, aEntries.slice(0, 1), 'UTC', 30);
    expect.soft(third.writing.total_entries, 'total_entries after the soft delete').toBe(first.writing.total_entries);
  });

  it('entries at 23:30 and 00:30 local land on their local days in every zone, also across DST changes', async () => {
    const zones = ['UTC', 'America/Los_Angeles', 'Europe/Berlin', 'Pacific/Kiritimati'];
    const users = await Promise.all(zones.map(async (timezone) => (await newUser(stack.api, { timezone })).got));
    // Every zone's writes, started in zone and day order (each draws its content when it starts, so the data
    // stays the seed's), eight at a time; nothing checked depends on the order in which they land.
    const plans = zones.map((tz, i) => {
      const today = localDateOf(new Date(), tz);
      const days = [shiftDate(today, -2), shiftDate(today, -5), ...recentOffsetChanges(new Date(), tz)];
      const writes = days.flatMap((d) => [
        { at: instantAt(d, 0, 30, tz), lang: 'en' as const },
        { at: instantAt(shiftDate(d, -1), 23, 30, tz), lang: 'de' as const },
      ]);
      return { tz, u: users[i]!, days, writes };
    });
    const all = await inFlight(
      plans.flatMap((p) => p.writes.map((w) => ({ ...w, user: p.u.id }))),
      8,
      (w) => write(stack.api, w.user, w.at, w.lang),
    );
    let offset = 0;
    for (const { tz, u, days, writes } of plans) {
      const entries: Entry[] = all.slice(offset, (offset += writes.length));
      const { mood } = await expectAnalyticsMatch(u.id, entries, tz, 365);
      // Each change day holds exactly its own 00:30 entry (and the 23:30 of the day after it, if any).
      for (const d of days) expect.soft(mood.daily_trends.find((t) => t.date === d)?.entry_count, `${tz} ${d}`).toBeGreaterThanOrEqual(1);
      // This project lists every day of the window; a deployment's document may list only days with entries.
      if (stack.api.conformance === 'strict') expect(mood.daily_trends).toHaveLength(365);
    }
  });

  it('window boundaries: days=7 and days=365 include the first local day and exclude the day before', async () => {
    for (const [tz, days] of [
      ['Europe/Berlin', 7],
      ['America/Los_Angeles', 365],
      ['Pacific/Kiritimati', 7],
    ] as const) {
      const { got: u } = await newUser(stack.api, { timezone: tz });
      const today = localDateOf(new Date(), tz);
      const first = shiftDate(today, -(days - 1));
      const inside = await write(stack.api, u.id, instantAt(first, 0, 1, tz));
      const outside = await write(stack.api, u.id, instantAt(shiftDate(first, -1), 23, 59, tz));
      const { writing } = await expectAnalyticsMatch(u.id, [inside, outside], tz, days);
      expect.soft(writing.total_entries, `${tz} days=${days}: total_entries`).toBe(1);
      expect.soft(writing.consistency_percentage, `${tz} days=${days}: consistency_percentage`).toBeLessThanOrEqual(100);
    }
  });

  it('the tz override and the user timezone give their own calendar', async () => {
    const { got: u } = await newUser(stack.api, { timezone: 'Pacific/Kiritimati' });
    const e = await write(stack.api, u.id, new Date(Date.now() - 3 * 86_400_000));
    const viaUser = await stack.api.ok('moodAnalytics', { query: { user_id: u.id, days: 7 } });
    expect.soft(viaUser.timezone, 'timezone without tz').toBe('Pacific/Kiritimati');
    await expectAnalyticsMatch(u.id, [e], 'America/Los_Angeles', 7);
  });
});
