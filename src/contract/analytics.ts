import { z } from 'zod';
import { MoodType } from './enums.js';
import { TimeZone, Timestamp, Uuid, intQuery } from './common.js';

export const AnalyticsQuery = z.object({ user_id: Uuid, days: intQuery(7, 365, 30), tz: TimeZone.optional() });

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const MoodBucket = z
  .object({
    count: z.number().int().min(0),
    percentage: z.number().min(0).max(100),
    avg_sentiment: z.number().min(-1).max(1).nullable(),
    first_entry: Timestamp.nullable(),
    last_entry: Timestamp.nullable(),
  })
  .meta({ id: 'MoodBucket' });

export const MoodAnalytics = z.object({
  period_days: z.number().int(),
  timezone: z.string(),
  mood_distribution: z.object({
    very_positive: MoodBucket,
    positive: MoodBucket,
    neutral: MoodBucket,
    negative: MoodBucket,
    very_negative: MoodBucket,
  }),
  daily_trends: z.array(
    z.object({
      date: LocalDate,
      entry_count: z.number().int().min(0),
      avg_sentiment: z.number().min(-1).max(1).nullable(),
      dominant_mood: MoodType.nullable(),
    }),
  ),
  statistics: z.object({
    total_entries: z.number().int().min(0),
    overall_sentiment: z.number().min(-1).max(1).nullable(),
    total_words: z.number().int().min(0),
    avg_words_per_entry: z.number().min(0),
    active_days: z.number().int().min(0),
    consistency_percentage: z.number().min(0).max(100),
  }),
  chat: z.object({ messages: z.number().int().min(0), avg_sentiment: z.number().min(-1).max(1).nullable() }),
  generated_at: Timestamp,
});

export const WritingAnalytics = z.object({
  period_days: z.number().int(),
  timezone: z.string(),
  total_entries: z.number().int().min(0),
  total_words: z.number().int().min(0),
  avg_words_per_entry: z.number().min(0),
  longest_entry_words: z.number().int().min(0).nullable(),
  shortest_entry_words: z.number().int().min(0).nullable(),
  active_days: z.number().int().min(0),
  total_reading_time_minutes: z.number().int().min(0),
  consistency_percentage: z.number().min(0).max(100),
  avg_entries_per_active_day: z.number().min(0),
  streak_info: z.object({
    current_streak: z.number().int().min(0),
    longest_streak: z.number().int().min(0),
    total_active_days: z.number().int().min(0),
    last_entry_date: LocalDate.nullable(),
  }),
  generated_at: Timestamp,
});
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>;
export type MoodAnalytics = z.infer<typeof MoodAnalytics>;
export type WritingAnalytics = z.infer<typeof WritingAnalytics>;
