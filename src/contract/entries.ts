import { z } from 'zod';
import { EntryType, Language, MoodType } from './enums.js';
import { DateOrTimestampInput, Tags, Timestamp, TimestampInput, Uuid, intQuery, optional, text, withDefault } from './common.js';

const Content = text({ max: 50_000, nonBlank: 3 });
const Title = text({ max: 200 });
/** Said in the operation's description too: JSON Schema cannot compare with the server's clock. */
export const CLIENT_TIME_RULE = "Not more than a minute after the server's clock, nor before 1900-01-01T00:00:00Z (422 naming the field).";

export const CreateEntryBody = z.object({
  user_id: Uuid,
  title: Title,
  content: Content,
  entry_type: withDefault(EntryType, 'journal'),
  topic_id: optional(Uuid),
  tags: withDefault(Tags, []),
  template_id: optional(Uuid),
  created_at: optional(TimestampInput.meta({ description: `${TimestampInput.description ?? ''} ${CLIENT_TIME_RULE}` })),
});
export const UpdateEntryBody = z
  .object({
    title: optional(Title),
    content: optional(Content),
    entry_type: optional(EntryType),
    // Not `optional`: on an update, null is a value (the entry leaves its topic), absence changes nothing.
    topic_id: Uuid.nullish(),
    tags: optional(Tags),
    is_favorite: optional(z.boolean()),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'must change at least one field' })
  // The refinement as JSON Schema: one field present, and not null unless it is topic_id (null there is a
  // change: the entry leaves its topic; null elsewhere means absent). Unknown keys change nothing.
  .meta({
    minProperties: 1,
    anyOf: [
      ...['title', 'content', 'entry_type', 'tags', 'is_favorite'].map((f) => ({
        required: [f],
        properties: { [f]: { not: { type: 'null' } } },
      })),
      { required: ['topic_id'] },
    ],
  });

export const EmotionAnalysis = z
  .object({
    primary_emotion: z.string(),
    confidence: z.number().min(0).max(1),
    sentiment_polarity: z.number().min(-1).max(1),
    secondary_emotions: z.array(z.object({ emotion: z.string(), score: z.number().min(0).max(1) })),
    chunks: z.number().int().min(0),
    model: z.string(),
    analyzed_at: Timestamp,
    language: Language,
    fallback: z.boolean(),
  })
  .meta({ id: 'EmotionAnalysis' });

export const Entry = z
  .object({
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
  })
  .meta({ id: 'Entry' });
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
