import { z } from 'zod';
import { EntryType, Language, MoodType } from './enums.js';
import { DateOrTimestampInput, Tags, Timestamp, TimestampInput, Uuid, intQuery, optional, withDefault } from './common.js';

const Content = z
  .string()
  .max(50_000)
  .refine((s) => s.replace(/\s/g, '').length >= 3, { message: 'must contain at least 3 non-blank characters' });

export const CreateEntryBody = z.object({
  user_id: Uuid,
  title: z.string().max(200),
  content: Content,
  entry_type: withDefault(EntryType, 'journal'),
  topic_id: optional(Uuid),
  tags: withDefault(Tags, []),
  template_id: optional(Uuid),
  created_at: optional(TimestampInput),
});
export const UpdateEntryBody = z
  .object({
    title: optional(z.string().max(200)),
    content: optional(Content),
    entry_type: optional(EntryType),
    // Not `optional`: on an update, null is a value (the entry leaves its topic), absence changes nothing.
    topic_id: Uuid.nullish(),
    tags: optional(Tags),
    is_favorite: optional(z.boolean()),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'must change at least one field' });

export const EmotionAnalysis = z.object({
  primary_emotion: z.string(),
  confidence: z.number().min(0).max(1),
  sentiment_polarity: z.number().min(-1).max(1),
  secondary_emotions: z.array(z.object({ emotion: z.string(), score: z.number().min(0).max(1) })),
  chunks: z.number().int().min(0),
  model: z.string(),
  analyzed_at: Timestamp,
  language: Language,
  fallback: z.boolean(),
});

export const Entry = z.object({
  id: Uuid,
  user_id: Uuid,
  title: z.string(),
  content: z.string(),
  entry_type: EntryType,
  topic_id: Uuid.nullable(),
  tags: z.array(z.string()),
  auto_tags: z.array(z.string()),
  template_id: Uuid.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  word_count: z.number().int().min(0),
  reading_time_minutes: z.number().int().min(1),
  mood: MoodType.nullable(),
  sentiment_score: z.number().min(-1).max(1).nullable(),
  emotion_analysis: EmotionAnalysis.nullable(),
  is_favorite: z.boolean(),
  version: z.number().int().min(1),
});
export const EntryList = z.array(Entry);

export const ListEntriesQuery = z.object({
  user_id: Uuid,
  skip: intQuery(0, 1_000_000, 0),
  limit: intQuery(1, 1000, 100),
  topic_id: Uuid.optional(),
  date_from: DateOrTimestampInput.optional(),
  date_to: DateOrTimestampInput.optional(),
  mood_filter: MoodType.optional(),
});

export type CreateEntryBody = z.infer<typeof CreateEntryBody>;
export type UpdateEntryBody = z.infer<typeof UpdateEntryBody>;
export type Entry = z.infer<typeof Entry>;
export type EmotionAnalysis = z.infer<typeof EmotionAnalysis>;
export type ListEntriesQuery = z.infer<typeof ListEntriesQuery>;
