import { describe, expect, it } from 'vitest';
import { calendarCacheSizes, canonicalTimeZone, isValidTimeZone, localDate, startOfLocalDay } from './calendar.js';
import { utcOffset, wallFormatterCount } from './day-index.js';

// Issue 11 finding 3: every case variant of a zone added a formatter to an unbounded map (about 1 GB of
// RSS per 20,000 spellings). Variant i flips the case of the letters whose bit is set in i: deterministic.
function caseVariant(name: string, i: number): string {
  let bit = 0;
  return [...name]
    .map((ch) => {
      if (!/[a-z]/i.test(ch)) return ch;
      const flip = (i >> bit++) & 1;
      return flip ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch;
    })
    .join('');
}

describe('time zone spellings: one canonical name, bounded caches', () => {
  it('invalid names are refused without a formatter', () => {
    const before = calendarCacheSizes().formatters;
    for (let i = 0; i < 5000; i++) expect(canonicalTimeZone(`No/Such:Zone${i}`)).toBeUndefined();
    expect(calendarCacheSizes().formatters).toBe(before);
  });

  // Issue 16 row 1: ICU's canonical ids are the old names; the zone database's spelling of the name given is kept.
  it('a current IANA name stays itself, a link stays itself, only the case changes', () => {
    expect(canonicalTimeZone('Europe/Kyiv')).toBe('Europe/Kyiv');
    expect(canonicalTimeZone('asia/kolkata')).toBe('Asia/Kolkata');
    expect(canonicalTimeZone('AMERICA/NUUK')).toBe('America/Nuuk');
    expect(canonicalTimeZone('Asia/Kathmandu')).toBe('Asia/Kathmandu');
    expect(canonicalTimeZone('europe/kiev')).toBe('Europe/Kiev');
    expect(canonicalTimeZone('us/pacific')).toBe('US/Pacific');
    expect(canonicalTimeZone('Factory')).toBeUndefined();
    expect(localDate(new Date('2026-06-15T21:30:00Z'), 'Europe/Kyiv')).toBe('2026-06-16');
  });

  it('case variants resolve to one canonical spelling; invalid names to none', () => {
    expect(canonicalTimeZone('AmeRICa/argenTIna/comodrivadavia')).toBe(canonicalTimeZone('America/Argentina/ComodRivadavia'));
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('europe/BERLIN')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    for (const bad of ['', ' ', 'Mars/Olympus', 'Europe/Berlinn', '+01:00', 'Europe/Berlin\u0000', 'x'.repeat(65), 'AET', 'SystemV/AST4']) {
      expect(canonicalTimeZone(bad), bad).toBeUndefined();
      expect(isValidTimeZone(bad), bad).toBe(false);
    }
  });

  // More variants than the formatter caches could hold, were spellings their keys.
  it('20,000 case variants add no formatter: Intl is asked once per zone', { timeout: 60_000 }, () => {
    const zone = 'America/Argentina/ComodRivadavia';
    const canonical = canonicalTimeZone(zone);
    const instant = new Date('2026-03-01T12:00:00Z');
    const expected = { date: localDate(instant, zone), offset: utcOffset(instant.getTime(), zone) };
    const before = { ...calendarCacheSizes(), wall: wallFormatterCount() };
    for (let i = 1; i <= 20_000; i++) {
      const v = caseVariant(zone, i);
      expect(canonicalTimeZone(v)).toBe(canonical);
      // Each spelling is used as analytics use it, through both formatter caches.
      expect(localDate(instant, v)).toBe(expected.date);
      expect(utcOffset(instant.getTime(), v)).toBe(expected.offset);
    }
    const after = { ...calendarCacheSizes(), wall: wallFormatterCount() };
    expect(after.formatters).toBe(before.formatters);
    expect(after.wall).toBe(before.wall);
    expect(startOfLocalDay('2026-03-01', caseVariant(zone, 12345)).toISOString()).toBe(startOfLocalDay('2026-03-01', zone).toISOString());
  });
});
