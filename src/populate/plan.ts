import { SESSION_TYPES, type ConversationMode, type Language, type SessionType } from '../contract/enums.js';
import { addDays, calendarWindow, localDate } from '../domain/calendar.js';
import { atLocalTime, epochDay, isWeekend, monthsBefore } from './local-time.js';
import { intBetween, pick, substream, weighted, type Random } from './rng.js';
import {
  CORE_CATEGORIES,
  CORE_TOPICS,
  chatThemes,
  journalThemes,
  seasonOf,
  seasonalCategoriesIn,
  topicFor,
  type Category,
  type TopicSpec,
} from './themes.js';

export type PlanMode =
  | { kind: 'quick'; entries: number; sessions: number }
  /** `days` whole local days ending today (--day is 1, --week 7). */
  | { kind: 'days'; days: number }
  /** The local days since the same date `months` months ago (--year is 12). */
  | { kind: 'months'; months: number };

export interface PlanOptions {
  seed: number;
  /** The language about 70% of the content is written in. */
  language: Language;
  mode: PlanMode;
  /** Whose "local" day: the target user's time zone, so analytics see the days the plan meant. */
  timeZone: string;
}

export interface PlannedEntry {
  kind: 'entry';
  id: string;
  date: string;
  at: string;
  language: Language;
  theme: string;
  category: Category;
  topic: string;
}

export interface PlannedSession {
  kind: 'session';
  id: string;
  date: string;
  language: Language;
  theme: string;
  sessionType: SessionType;
  conversationMode: ConversationMode;
  /** One timestamp per user turn, strictly increasing, all on `date`. */
  turnTimes: string[];
}

export type PlannedItem = PlannedEntry | PlannedSession;

export interface Plan {
  seed: number;
  language: Language;
  mode: PlanMode;
  timeZone: string;
  now: string;
  from: string;
  to: string;
  topics: TopicSpec[];
  items: PlannedItem[];
}

// The shape of a day the earlier population script produced (entries per day and the share of empty days).
export const EMPTY_DAY_RATE = 0.12;
export const WEEKDAY_COUNTS = [
  [1, 55],
  [2, 30],
  [3, 15],
] as const;
export const WEEKEND_COUNTS = [
  [1, 45],
  [2, 35],
  [3, 20],
] as const;
export const ENTRY_SHARE = 0.7;
export const PREFERRED_LANGUAGE_SHARE = 0.7;
export const QUICK_WINDOW_DAYS = 30;
const SEASONAL_THEME_RATE = 0.1;
const DAY_START_S = 6 * 3600;
const DAY_END_S = 24 * 3600 - 60;
const TURNS = { min: 2, max: 4 } as const;
const TURN_GAP_S = { min: 60, max: 300 } as const;

/** What the original's session types meant, so the mode sent agrees with the type stored. */
export const MODE_FOR_TYPE: Record<SessionType, ConversationMode> = {
  reflection_buddy: 'reflection_facilitation',
  inner_voice: 'mindfulness_coaching',
  growth_challenge: 'goal_setting',
  pattern_detective: 'cognitive_reframing',
  free_chat: 'supportive_listening',
};

/**
 * A pure function of (options, now). Every day (calendar modes) and every item (quick mode) draws
 * from its own seeded stream, so the same date or item index gets the same content whatever window
 * it is part of: re-running a week that overlaps an earlier year run finds the overlap already there.
 */
export function buildPlan(opts: PlanOptions, now: Date): Plan {
  const today = localDate(now, opts.timeZone);
  const dates = windowDates(opts.mode, now, opts.timeZone);
  const draft: PlannedItem[] = opts.mode.kind === 'quick' ? quickItems(opts, opts.mode, dates, now) : calendarItems(opts, dates, now);
  const items = draft.sort((a, b) => firstTime(a).localeCompare(firstTime(b)) || a.id.localeCompare(b.id));
  return {
    seed: opts.seed,
    language: opts.language,
    mode: opts.mode,
    timeZone: opts.timeZone,
    now: now.toISOString(),
    from: dates[0] ?? today,
    to: today,
    topics: topicsFor(items),
    items,
  };
}

function windowDates(mode: PlanMode, now: Date, tz: string): string[] {
  if (mode.kind === 'quick') return calendarWindow(now, QUICK_WINDOW_DAYS, tz).dates;
  if (mode.kind === 'days') return calendarWindow(now, mode.days, tz).dates;
  const today = localDate(now, tz);
  const from = addDays(monthsBefore(today, mode.months), 1);
  const dates: string[] = [];
  for (let d = from; d <= today; d = addDays(d, 1)) dates.push(d);
  return dates;
}

function firstTime(item: PlannedItem): string {
  return item.kind === 'entry' ? item.at : (item.turnTimes[0] ?? '');
}

function topicsFor(items: PlannedItem[]): TopicSpec[] {
  const seasonal = new Map<string, TopicSpec>();
  for (const item of items) {
    if (item.kind !== 'entry' || CORE_TOPICS.some((t) => t.name === item.topic)) continue;
    if (!seasonal.has(item.topic)) seasonal.set(item.topic, topicFor(item.category, item.language));
  }
  return [...CORE_TOPICS, ...seasonal.values()];
}

function calendarItems(opts: PlanOptions, dates: string[], now: Date): PlannedItem[] {
  const items: PlannedItem[] = [];
  for (const date of dates) {
    const random = substream(opts.seed, `day:${date}`);
    const empty = random() < EMPTY_DAY_RATE;
    const count = weighted(random, isWeekend(date) ? WEEKEND_COUNTS : WEEKDAY_COUNTS);
    // A one-day run that might write nothing would be useless, so --day always plans its day.
    if (empty && dates.length > 1) continue;
    for (let n = 0; n < count; n++) {
      const id = `${date}#${n}`;
      const ctx: ItemContext = { id, date, random, opts, now, typeIndex: epochDay(date) + n };
      items.push(random() < ENTRY_SHARE ? entryItem(ctx, true) : sessionItem(ctx));
    }
  }
  return items;
}

function quickItems(opts: PlanOptions, mode: { entries: number; sessions: number }, dates: string[], now: Date): PlannedItem[] {
  const items: PlannedItem[] = [];
  const place = (label: string, index: number) => {
    const random = substream(opts.seed, `quick:${label}:${index}`);
    const date = pick(random, dates);
    return { id: `${label}-${index}`, date, random, opts, now, typeIndex: index };
  };
  // Seasonal themes would need a topic beyond the ten core ones; quick runs stay within those ten.
  for (let i = 0; i < mode.entries; i++) items.push(entryItem(place('entry', i), false));
  for (let i = 0; i < mode.sessions; i++) items.push(sessionItem(place('session', i)));
  return items;
}

interface ItemContext {
  id: string;
  date: string;
  random: Random;
  opts: PlanOptions;
  now: Date;
  /** Position in the session-type cycle. */
  typeIndex: number;
}

function languageOf(random: Random, preferred: Language): Language {
  return random() < PREFERRED_LANGUAGE_SHARE ? preferred : preferred === 'en' ? 'de' : 'en';
}

function entryItem(ctx: ItemContext, seasonal: boolean): PlannedEntry {
  const { random } = ctx;
  const language = languageOf(random, ctx.opts.language);
  const inSeason = seasonal ? seasonalCategoriesIn(seasonOf(ctx.date)) : [];
  const category: Category = inSeason.length > 0 && random() < SEASONAL_THEME_RATE ? pick(random, inSeason) : pick(random, CORE_CATEGORIES);
  const theme = pick(random, journalThemes(category, language)).theme;
  const [lo, hi] = dayBounds(ctx);
  const at = new Date(lo + Math.floor(random() * (hi - lo)));
  return {
    kind: 'entry',
    id: ctx.id,
    date: ctx.date,
    at: at.toISOString(),
    language,
    theme,
    category,
    topic: topicFor(category, language).name,
  };
}

function sessionItem(ctx: ItemContext): PlannedSession {
  const { random } = ctx;
  const language = languageOf(random, ctx.opts.language);
  const theme = pick(random, chatThemes(language)).theme;
  const offset = ctx.opts.seed % SESSION_TYPES.length;
  const sessionType = SESSION_TYPES[(offset + ctx.typeIndex) % SESSION_TYPES.length]!;
  const turns = intBetween(random, TURNS.min, TURNS.max);
  const [lo, hi] = dayBounds(ctx);
  let gap = intBetween(random, TURN_GAP_S.min, TURN_GAP_S.max) * 1000;
  // Squeezed when a window is too short (early in the morning of today): still strictly increasing.
  if ((turns - 1) * gap >= hi - lo) gap = Math.max(2, Math.floor((hi - lo) / turns));
  const span = (turns - 1) * gap;
  const start = lo + Math.floor(random() * Math.max(1, hi - lo - span));
  const turnTimes = Array.from({ length: turns }, (_, k) => new Date(start + k * gap).toISOString());
  return {
    kind: 'session',
    id: ctx.id,
    date: ctx.date,
    language,
    theme,
    sessionType,
    conversationMode: MODE_FOR_TYPE[sessionType],
    turnTimes,
  };
}

/**
 * [lo, hi) in epoch ms for items on the context's date: 06:00–23:59 local, and on today no later than
 * now. Before 06:00 today the day so far is all there is, so it is used rather than the future.
 */
function dayBounds(ctx: ItemContext): [number, number] {
  const tz = ctx.opts.timeZone;
  const lo = atLocalTime(ctx.date, DAY_START_S, tz).getTime();
  const hi = atLocalTime(ctx.date, DAY_END_S, tz).getTime();
  if (ctx.date !== localDate(ctx.now, tz)) return [lo, hi];
  const now = ctx.now.getTime();
  if (now > lo) return [lo, Math.min(hi, now)];
  return [atLocalTime(ctx.date, 0, tz).getTime(), Math.max(now, atLocalTime(ctx.date, 0, tz).getTime() + 1)];
}
