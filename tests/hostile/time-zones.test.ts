import { fixtures, newUser } from '../../helpers/factories.js';
import { refusedOrKept, skipUnoffered } from '../../helpers/judge.js';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { up as canonicaliseStoredZones } from '../../src/db/migrations/0003_canonical_time_zones.js';
import { useStack } from '../../helpers/stack.js';

// Issue 11 finding 3: case variants of one zone were stored and answered as sent, each a new formatter in
// an unbounded cache. Now every spelling is stored and answered in its canonical form (the cache bound
// itself is a unit test: src/domain/calendar.zone-cache.test.ts).
const stack = useStack();

/** An answer without the moment it was made and the zone's spelling: the figures. */
function figures(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => !/generated|timestamp|^timezone$/.test(k)));
}

const VARIANTS = ['AmeRICa/argenTIna/comodrivadavia', 'america/argentina/comodrivadavia', 'AMERICA/ARGENTINA/COMODRIVADAVIA'];

// Any deployment: a case variant of a zone is refused naming the field, or taken as that zone and read back
// as it was answered; never a 5xx. One canonical spelling, and the tz override, are this project's contract.
describe('#3 time zone case variants', { meta: { classes: [18] } }, () => {
  it("a user's timezone is stored and answered in one canonical spelling, whatever case it was sent in", async (ctx) => {
    skipUnoffered(stack.api, ctx, 'createUser', 'getUser');
    const zones = new Set<string>();
    for (const timezone of [...VARIANTS, 'America/Argentina/ComodRivadavia']) {
      if (stack.api.conformance === 'strict') {
        const u = await stack.api.ok('createUser', { body: { ...fixtures().user(), timezone } }, 201);
        zones.add(u.timezone);
        expect((await stack.api.ok('getUser', { params: { id: u.id } })).timezone).toBe(u.timezone);
        continue;
      }
      const { reply } = await refusedOrKept(
        stack.api,
        'createUser',
        { body: { ...fixtures().user(), timezone } },
        { where: 'body', field: 'timezone', value: timezone },
      );
      if (!reply.ok) continue;
      const u = reply.body as { id: string; timezone: string };
      // A zone the zone database knows (a link may be answered as the zone it links to), read back the same.
      expect(() => new Intl.DateTimeFormat('en', { timeZone: u.timezone }), `${timezone} answered as ${u.timezone}`).not.toThrow();
      expect((await stack.api.ok('getUser', { params: { id: u.id } })).timezone).toBe(u.timezone);
    }
    if (stack.api.conformance === 'behaviour') return;
    expect(zones.size).toBe(1);
    const [zone] = zones;
    // The canonical spelling is a proper name: not one of the odd-case variants sent.
    expect(VARIANTS).not.toContain(zone);
    expect(zone).toMatch(/^America\/[A-Z][a-z]+(\/[A-Z][A-Za-z]+)?$/);
    const plain = await stack.api.ok('createUser', { body: { ...fixtures().user(), timezone: 'europe/BERLIN' } }, 201);
    expect(plain.timezone).toBe('Europe/Berlin');
  });

  it('analytics with a tz variant answer the canonical zone and the same figures', async () => {
    const { got: u } = await newUser(stack.api, { timezone: 'UTC' });
    await stack.api.ok('createEntry', { body: { user_id: u.id, title: 't', content: fixtures().entryText() } }, 201);
    const reference = await stack.api.ok('writingAnalytics', { query: { user_id: u.id, days: 7, tz: 'America/New_York' } });
    if (stack.api.conformance === 'behaviour') {
      // The figures of a variant accepted are the figures of the zone (a target without tz ignores it).
      for (const tz of ['america/new_york', 'AMERICA/NEW_YORK', 'aMeRiCa/NeW_yOrK']) {
        const { reply } = await refusedOrKept(
          stack.api,
          'writingAnalytics',
          { query: { user_id: u.id, days: 7, tz } },
          { where: 'query', field: 'tz', value: tz },
        );
        if (reply.ok) expect(figures(reply.body), tz).toEqual(figures(reference));
      }
      return;
    }
    for (const tz of ['america/new_york', 'AMERICA/NEW_YORK', 'aMeRiCa/NeW_yOrK']) {
      const w = await stack.api.ok('writingAnalytics', { query: { user_id: u.id, days: 7, tz } });
      expect(w.timezone, tz).toBe('America/New_York');
      expect({ ...w, generated_at: '' }).toEqual({ ...reference, generated_at: '' });
      const m = await stack.api.ok('moodAnalytics', { query: { user_id: u.id, days: 7, tz } });
      expect(m.timezone, tz).toBe('America/New_York');
    }
  });

  // Issue 16 row 1: Node 20's ICU files current IANA names under their old ids, and the service stored
  // those (Europe/Kyiv answered as Europe/Kiev). The client's name is kept; only its case is canonical.
  it('a zone is stored and answered as the name the client gave, only its case canonicalised', async () => {
    for (const [sent, answered] of [
      ['Europe/Kyiv', 'Europe/Kyiv'],
      ['asia/kolkata', 'Asia/Kolkata'],
      ['America/Nuuk', 'America/Nuuk'],
      ['ASIA/KATHMANDU', 'Asia/Kathmandu'],
      ['Europe/Kiev', 'Europe/Kiev'],
      ['us/pacific', 'US/Pacific'],
    ]) {
      const u = await stack.api.ok('createUser', { body: { ...fixtures().user(), timezone: sent } }, 201);
      expect(u.timezone, sent).toBe(answered);
      expect((await stack.api.ok('getUser', { params: { id: u.id } })).timezone, sent).toBe(answered);
      expect((await stack.api.ok('writingAnalytics', { query: { user_id: u.id, days: 7 } })).timezone, sent).toBe(answered);
      const other = await stack.api.ok('createUser', { body: { ...fixtures().user(), timezone: 'UTC' } }, 201);
      expect((await stack.api.ok('moodAnalytics', { query: { user_id: other.id, days: 7, tz: sent } })).timezone, sent).toBe(answered);
    }
  });

  // Rows written before the input rule keep the spelling they were sent with; migration 0003 rewrites them.
  // This repository's own migration over its own schema: nothing of a deployment.
  it(
    'a zone stored in an odd spelling before the rule is canonical after the migration',
    { meta: { level: 'self', needs: ['bundled'] } },
    async (_ctx) => {
      const id = randomUUID();
      await stack.db
        .insertInto('users')
        .values({ id, username: `legacy-${id}`, display_name: null, timezone: 'europe/BERLIN', language: 'en' })
        .execute();
      const before = await stack.api.ok('writingAnalytics', { query: { user_id: id, days: 7 } });
      expect(before.timezone).toBe('europe/BERLIN');
      await canonicaliseStoredZones(stack.db as unknown as Kysely<unknown>);
      expect((await stack.api.ok('getUser', { params: { id } })).timezone).toBe('Europe/Berlin');
      const after = await stack.api.ok('writingAnalytics', { query: { user_id: id, days: 7 } });
      expect(after.timezone).toBe('Europe/Berlin');
    },
  );
});
