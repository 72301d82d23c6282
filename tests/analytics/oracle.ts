// An independent oracle for the analytics endpoints, written from docs/CONTRACT.md's words without importing the
// backend's domain code: local dates come from Intl, windows are lists of calendar dates.
import type { Entry } from '../../src/contract/entries.js';

const MOODS = ['very_positive', 'positive', 'neutral', 'negative', 'very_negative'] as const;
type Mood = (typeof MOODS)[number];

// Building an Intl.DateTimeFormat costs far more than formatting with one, and the oracle formats tens of
// thousands of instants per file; one formatter per (kind, zone) keeps it to milliseconds.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'date' | 'parts' | 'clock', tz: string): Intl.DateTimeFormat {
  const key = `${kind} ${tz}`;
  let f = formatters.get(key);
  if (!f) {
    f =
      kind === 'date'
        ? new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
        : kind === 'clock'
          ? new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
          : new Intl.DateTimeFormat('en-US', {
              timeZone: tz,
              hourCycle: 'h23',
              year: 'numeric',
              month: 'numeric',
              day: 'numeric',
              hour: 'numeric',
              minute: 'numeric',
              second: 'numeric',
            });
    formatters.set(key, f);
  }
  return f;
}

export function localDateOf(iso: string | Date, tz: string): string {
  return formatter('date', tz).format(new Date(iso));
}

export function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function windowDates(now: Date, days: number, tz: string): string[] {
  const today = localDateOf(now, tz);
  return Array.from({ length: days }, (_, i) => shiftDate(today, i - (days - 1)));
}

/** The UTC offset in minutes of a zone at an instant. */
export function offsetMinutes(at: Date, tz: string): number {
  const parts = Object.fromEntries(
    formatter('parts', tz)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant of a local wall-clock time, found by trying the offsets around it (DST-safe for non-gap times). */
export function instantAt(date: string, hh: number, mm: number, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  for (const probe of [wall - 14 * 3_600_000, wall, wall + 14 * 3_600_000]) {
    const candidate = new Date(wall - offsetMinutes(new Date(probe), tz) * 60_000);
    if (
      localDateOf(candidate, tz) === date &&
      formatter('clock', tz).format(candidate) === `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`
    )
      return candidate;
  }
  throw new Error(`no instant for ${date} ${hh}:${mm} in ${tz}`);
}

/** Local dates within the last year on which the zone's offset changed (DST days). */
export function recentOffsetChanges(now: Date, tz: string): string[] {
  const out: string[] = [];
  const today = localDateOf(now, tz);
  for (let i = 1; i < 364; i++) {
    const date = shiftDate(today, -i);
    const noonBefore = instantAt(shiftDate(date, -1), 12, 0, tz);
    const noon = instantAt(date, 12, 0, tz);
    if (offsetMinutes(noonBefore, tz) !== offsetMinutes(noon, tz)) out.push(date);
  }
  return out;
}

const round = (x: number, k: number) => Math.round(x * 10 ** k) / 10 ** k;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

function percentages(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 0);
  const exact = counts.map((c) => (c * 10_000) / total);
  const floors = exact.map(Math.floor);
  let left = 10_000 - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]! += 1;
    left -= 1;
  }
  return floors.map((f) => f / 100);
}

function inWindow(entries: Entry[], now: Date, days: number, tz: string) {
  const dates = windowDates(now, days, tz);
  const set = new Set(dates);
  return { dates, rows: entries.filter((e) => set.has(localDateOf(e.created_at, tz)) && new Date(e.created_at) <= now) };
}

function runs(activeDates: string[]): number[] {
  const sorted = [...new Set(activeDates)].sort();
  const out: number[] = [];
  let len = 0;
  sorted.forEach((d, i) => {
    len = i > 0 && shiftDate(sorted[i - 1]!, 1) === d ? len + 1 : 1;
    out.push(len);
  });
  return out;
}

export function expectedMood(entries: Entry[], now: Date, days: number, tz: string) {
  const { dates, rows } = inWindow(entries, now, days, tz);
  const counts = MOODS.map((m) => rows.filter((e) => e.mood === m).length);
  const pct = percentages(counts);
  const dist = Object.fromEntries(
    MOODS.map((m, i) => {
      const of = rows.filter((e) => e.mood === m);
      const times = of.map((e) => e.created_at).sort();
      const avg = mean(of.map((e) => e.sentiment_score).filter((s): s is number => s !== null));
      return [
        m,
        {
          count: counts[i],
          percentage: pct[i],
          avg_sentiment: avg === null ? null : round(avg, 4),
          first_entry: times[0] ?? null,
          last_entry: times.at(-1) ?? null,
        },
      ];
    }),
  );
  const rowDates = rows.map((e) => localDateOf(e.created_at, tz));
  const daily = dates.map((date) => {
    const of = rows.filter((_, i) => rowDates[i] === date);
    const avg = mean(of.map((e) => e.sentiment_score).filter((s): s is number => s !== null));
    let dominant: Mood | null = null;
    let best = 0;
    for (const m of MOODS) {
      const c = of.filter((e) => e.mood === m).length;
      if (c > best) [dominant, best] = [m, c];
    }
    return { date, entry_count: of.length, avg_sentiment: avg === null ? null : round(avg, 4), dominant_mood: dominant };
  });
  const words = rows.reduce((a, e) => a + e.word_count, 0);
  const active = new Set(rows.map((e) => localDateOf(e.created_at, tz))).size;
  const overall = mean(rows.map((e) => e.sentiment_score).filter((s): s is number => s !== null));
  return {
    period_days: days,
    timezone: tz,
    mood_distribution: dist,
    daily_trends: daily,
    statistics: {
      total_entries: rows.length,
      overall_sentiment: overall === null ? null : round(overall, 4),
      total_words: words,
      avg_words_per_entry: rows.length ? round(words / rows.length, 2) : 0,
      active_days: active,
      consistency_percentage: round((active / days) * 100, 2),
    },
  };
}

export function expectedWriting(entries: Entry[], now: Date, days: number, tz: string) {
  const { rows } = inWindow(entries, now, days, tz);
  const words = rows.map((e) => e.word_count);
  const activeDates = [...new Set(rows.map((e) => localDateOf(e.created_at, tz)))].sort();
  const today = localDateOf(now, tz);
  // Streaks are unbounded by the window's length (docs/CONTRACT.md): every day of the user's history to today.
  const historyDates = [...new Set(entries.filter((e) => new Date(e.created_at) <= now).map((e) => localDateOf(e.created_at, tz)))].sort();
  const r = runs(historyDates);
  const last = historyDates.at(-1) ?? null;
  const current = last === today || last === shiftDate(today, -1) ? r.at(-1)! : 0;
  const total = words.reduce((a, b) => a + b, 0);
  return {
    period_days: days,
    timezone: tz,
    total_entries: rows.length,
    total_words: total,
    avg_words_per_entry: rows.length ? round(total / rows.length, 2) : 0,
    longest_entry_words: words.length ? Math.max(...words) : null,
    shortest_entry_words: words.length ? Math.min(...words) : null,
    active_days: activeDates.length,
    total_reading_time_minutes: rows.reduce((a, e) => a + e.reading_time_minutes, 0),
    consistency_percentage: round((activeDates.length / days) * 100, 2),
    avg_entries_per_active_day: activeDates.length ? round(rows.length / activeDates.length, 2) : 0,
    streak_info: {
      current_streak: current,
      longest_streak: r.length ? Math.max(...r) : 0,
      total_active_days: historyDates.length,
      last_entry_date: last,
    },
  };
}

/** A day row or a mood with no entries: this project lists them (dense), a deployment's document may not. */
const empty = (v: unknown) => {
  const o = v as { entry_count?: unknown; count?: unknown } | null;
  return typeof o === 'object' && o !== null && (o.entry_count === 0 || o.count === 0);
};

const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/;

function sparse(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Math.round(v * 100) / 100;
  // An instant is compared as an instant: "…Z" and "…+00:00" are the same time.
  if (typeof v === 'string' && INSTANT.test(v)) return new Date(v).toISOString();
  if (Array.isArray(v)) return v.filter((x) => !empty(x)).map(sparse);
  if (typeof v !== 'object' || v === null) return v;
  // NaN: a figure the oracle derives from a per-entry field the deployment's entries do not carry
  // (reading_time_minutes): not computable from its answers, so not compared.
  const kept = Object.entries(v).filter(([, x]) => !empty(x) && !Number.isNaN(x));
  return Object.fromEntries(kept.map(([k, x]) => [k, sparse(x)]));
}

function common(a: unknown, b: unknown): [unknown, unknown] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    const pairs = Array.from({ length: n }, (_, i) => common(a[i], b[i]));
    return [
      [...pairs.map((p) => p[0]), ...a.slice(n)],
      [...pairs.map((p) => p[1]), ...b.slice(n)],
    ];
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null || Array.isArray(a) || Array.isArray(b)) return [a, b];
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  // Keys on one side only are the other's layout (this project's `timezone`, a deployment's extras)...
  const keys = Object.keys(ao).filter((k) => k in bo);
  // ...but a map keyed by data (moods, days) must hold the same keys on both sides: those are figures.
  const isDataMap = (o: Record<string, unknown>) => Object.keys(o).some((k) => (MOODS as readonly string[]).includes(k));
  const keep = isDataMap(ao) || isDataMap(bo) ? [...new Set([...Object.keys(ao), ...Object.keys(bo)])] : keys;
  const pairs = keep.map((k) => [k, common(ao[k], bo[k])] as const);
  return [Object.fromEntries(pairs.map(([k, p]) => [k, p[0]])), Object.fromEntries(pairs.map(([k, p]) => [k, p[1]]))];
}

/**
 * The oracle's answer and a deployment's as the behaviour level compares them: the figures, not this
 * project's layout. Days and moods without entries may be left out (whether every mood is listed is judged
 * on its own, class 24); a field only one side has is layout (its own document judges its shape), except the
 * keys of a mood map, which are data; fractions to two decimals (the oracle rounds, a deployment need not).
 */
export function sameFigures(expected: unknown, received: unknown): [unknown, unknown] {
  return common(sparse(expected), sparse(received));
}
