import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fixtures, newChatTurn, newEntry, newUser } from '../../helpers/factories.js';
import { useStack } from '../../helpers/stack.js';
import type { Entry } from '../../src/contract/entries.js';
import type { MoodAnalytics } from '../../src/contract/analytics.js';
import { expectedMood, expectedWriting, instantAt, localDateOf, shiftDate } from './oracle.js';

const stack = useStack();

// Writers and readers interleaved on one user: each writer owns a few local dates that no other writer
// touches, so after each of its acknowledged writes the figures of its own dates are known exactly, whatever
// the others are doing at that moment, and every read it makes next must show them (no stale answer, no
// lost or double-counted concurrent write). Reads alternate between the user's zone and a tz override;
// the times of day are chosen so both zones put an entry on the same date (St John's 01:00-12:59 is the
// same date in Tehran, 6-7 hours ahead; both zones have half-hour offsets).
const TZ = 'America/St_Johns';
const OVERRIDE = 'Asia/Tehran';
const WRITERS = 4;
const DATES_PER_WRITER = 3;
const STEPS = 10;
const DAYS = 30;

type Op =
  | { kind: 'create'; date: string; hour: number; minute: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'update'; pick: number };

/**
 * A request the backend refused with 503 "nothing was written" (a loaded machine: no connection within its
 * deadline) was never acknowledged, so it is sent again; any other failure fails the test.
 */
async function acknowledged<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (attempt >= 10 || !/got 503: .*nothing was written/.test(String(err))) throw err;
    }
  }
}

function expectDay(mood: MoodAnalytics, date: string, mine: Entry[], context: string) {
  const day = mood.daily_trends.find((t) => t.date === date);
  const known = mine.map((e) => e.sentiment_score).filter((s): s is number => s !== null);
  expect(day?.entry_count, `${context}: entries on ${date}`).toBe(mine.length);
  if (known.length === 0) expect(day?.avg_sentiment, `${context}: sentiment on ${date}`).toBeNull();
  // Summed in another order than here, so the 4th decimal may round the other way.
  else expect(day?.avg_sentiment, `${context}: sentiment on ${date}`).toBeCloseTo(known.reduce((a, b) => a + b, 0) / known.length, 3);
}

describe('analytics read their writes under concurrent writes', { meta: { classes: [17, 25] } }, () => {
  it('every read after an acknowledged create, update, delete or chat turn shows it, in the user zone and under a tz override', async () => {
    const f = fixtures();
    const u = (await newUser(stack.api, { timezone: TZ })).got;
    const today = localDateOf(new Date(), TZ);
    // All random draws first, in a fixed order, so the seed alone decides the data.
    const plans = Array.from({ length: WRITERS }, (_, w) => {
      const dates = Array.from({ length: DATES_PER_WRITER }, (_, k) => shiftDate(today, -1 - (w + WRITERS * k)));
      const ops: Op[] = Array.from({ length: STEPS }, (_, i): Op => {
        const r = i < 3 ? 0 : f.int(0, 9);
        if (r < 6) return { kind: 'create', date: f.pick(dates), hour: f.int(1, 12), minute: f.int(0, 59) };
        return r < 8 ? { kind: 'delete', pick: f.int(0, 1000) } : { kind: 'update', pick: f.int(0, 1000) };
      });
      const contents = ops.map(() => f.entryText('en'));
      return { dates, ops, contents };
    });
    const turns = Array.from({ length: STEPS }, () => f.entryText('en', 1));

    const live: Entry[][] = plans.map(() => []);
    const writer = async (w: number) => {
      const { dates, ops, contents } = plans[w]!;
      for (const [i, op] of ops.entries()) {
        const mine = live[w]!;
        if (op.kind === 'create') {
          const at = instantAt(op.date, op.hour, op.minute, TZ);
          mine.push((await acknowledged(() => newEntry(stack.api, u, { created_at: at.toISOString() }))).got);
        } else if (mine.length > 0 && op.kind === 'delete') {
          const [gone] = mine.splice(op.pick % mine.length, 1);
          await acknowledged(() => stack.api.ok('deleteEntry', { params: { id: gone!.id }, query: { user_id: u.id } }, 204));
        } else if (mine.length > 0) {
          const k = op.pick % mine.length;
          const id = mine[k]!.id;
          mine[k] = await acknowledged(() =>
            stack.api.ok('updateEntry', { params: { id }, query: { user_id: u.id }, body: { content: contents[i]! } }),
          );
        }
        const tz = i % 2 === 0 ? TZ : OVERRIDE;
        const mood = await acknowledged(() => stack.api.ok('moodAnalytics', { query: { user_id: u.id, days: DAYS, tz } }));
        for (const date of dates) {
          expectDay(
            mood,
            date,
            mine.filter((e) => localDateOf(e.created_at, TZ) === date),
            `writer ${w} step ${i} (${op.kind}) in ${tz}`,
          );
        }
      }
    };
    // The only chat writer of this user: after each acknowledged turn the count is exactly its own.
    const sessions: { id: string; turns: number }[] = [];
    const chatter = async () => {
      for (const [i, message] of turns.entries()) {
        const session = i % 3 === 0 ? undefined : sessions.at(-1);
        const { got } = await acknowledged(() => newChatTurn(stack.api, u, { message, ...(session && { session_id: session.id }) }));
        if (session) session.turns++;
        else sessions.push({ id: got.session_id, turns: 1 });
        const tz = i % 2 === 0 ? OVERRIDE : TZ;
        const mood = await acknowledged(() => stack.api.ok('moodAnalytics', { query: { user_id: u.id, days: 7, tz } }));
        expect(mood.chat.messages, `turn ${i} in ${tz}`).toBe(i + 1);
      }
      const [deleted] = sessions.splice(0, 1);
      await acknowledged(() => stack.api.ok('deleteSession', { params: { id: deleted!.id }, query: { user_id: u.id } }, 204));
      for (const tz of [TZ, OVERRIDE]) {
        const mood = await acknowledged(() => stack.api.ok('moodAnalytics', { query: { user_id: u.id, days: 7, tz } }));
        expect(mood.chat.messages, `after deleting a session of ${deleted!.turns} turns, in ${tz}`).toBe(turns.length - deleted!.turns);
      }
    };
    await Promise.all([...plans.map((_, w) => writer(w)), chatter()]);

    // Quiet again: every figure equals the independent oracle over the surviving entries, in both zones.
    const entries = live.flat();
    for (const tz of [TZ, OVERRIDE]) {
      const now = new Date();
      const { generated_at: _m, chat: _c, ...mood } = await stack.api.ok('moodAnalytics', { query: { user_id: u.id, days: DAYS, tz } });
      const { generated_at: _w, ...writing } = await stack.api.ok('writingAnalytics', { query: { user_id: u.id, days: DAYS, tz } });
      // A window crossing midnight between the read and `now` is not this test's subject: only compare a stable one.
      if (localDateOf(now, tz) !== localDateOf(new Date(), tz)) continue;
      const expectedM = expectedMood(entries, now, DAYS, tz);
      // The oracle's means are summed in another order; the counts, dates and extremes must be exact.
      expect(mood.statistics.total_entries).toBe(expectedM.statistics.total_entries);
      expect(mood.daily_trends.map((d) => [d.date, d.entry_count, d.dominant_mood])).toEqual(
        expectedM.daily_trends.map((d) => [d.date, d.entry_count, d.dominant_mood]),
      );
      expect(Object.values(mood.mood_distribution).map((b) => [b.count, b.percentage, b.first_entry, b.last_entry])).toEqual(
        Object.values(expectedM.mood_distribution).map((b) => [b.count, b.percentage, b.first_entry, b.last_entry]),
      );
      expect(writing).toEqual(expectedWriting(entries, now, DAYS, tz));
    }
  });

  it('the stored rollups equal a recomputation from the rows after the writes', { meta: { needs: ['bundled'] } }, async () => {
    const f = fixtures();
    const u = (await newUser(stack.api, { timezone: 'Europe/Berlin' })).got;
    const times = Array.from({ length: 24 }, () => new Date(Date.now() - f.int(0, 20) * 86_400_000 - f.int(60, 86_000) * 1000));
    const made = await Promise.all(times.map((at) => acknowledged(() => newEntry(stack.api, u, { created_at: at.toISOString() }))));
    const texts = made.map(() => f.entryText('en'));
    // A second zone, then writes that both zones must follow.
    await stack.api.ok('writingAnalytics', { query: { user_id: u.id, days: 30, tz: 'Asia/Tehran' } });
    await Promise.all([
      ...made
        .slice(0, 6)
        .map(({ got }) => acknowledged(() => stack.api.ok('deleteEntry', { params: { id: got.id }, query: { user_id: u.id } }, 204))),
      ...made
        .slice(6, 12)
        .map(({ got }, i) =>
          acknowledged(() =>
            stack.api.ok('updateEntry', { params: { id: got.id }, query: { user_id: u.id }, body: { content: texts[i]! } }),
          ),
        ),
      acknowledged(() => newEntry(stack.api, u)),
      acknowledged(() => newChatTurn(stack.api, u)),
    ]);
    const stored = await sql<{ row: string }>`
      SELECT concat_ws(' ', zone, day, mood, entries, words, reading_minutes, min_words, max_words, round(sentiment_sum::numeric, 9), sentiment_n, first_at, last_at) AS row
      FROM entry_days WHERE user_id = ${u.id} ORDER BY 1`.execute(stack.db);
    const recomputed = await sql<{ row: string }>`
      SELECT concat_ws(' ', z, (e.created_at AT TIME ZONE z)::date, coalesce(e.mood, ''), count(*), sum(e.word_count), sum(e.reading_time_minutes),
             min(e.word_count), max(e.word_count), round(coalesce(sum(e.sentiment_score), 0)::numeric, 9), count(e.sentiment_score),
             min(e.created_at), max(e.created_at)) AS row
      FROM entries e JOIN users us ON us.id = e.user_id CROSS JOIN unnest(us.analytics_zones) z
      WHERE e.user_id = ${u.id} AND e.deleted_at IS NULL
      GROUP BY z, (e.created_at AT TIME ZONE z)::date, coalesce(e.mood, '') ORDER BY 1`.execute(stack.db);
    expect(recomputed.rows.length).toBeGreaterThan(0);
    expect(stored.rows.map((r) => r.row)).toEqual(recomputed.rows.map((r) => r.row));
    const zones = await stack.db.selectFrom('users').select('analytics_zones').where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(zones.analytics_zones.sort()).toEqual(['Asia/Tehran', 'Europe/Berlin']);
  });
});
