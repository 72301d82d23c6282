import { z } from 'zod';
import { Tags, Timestamp, Uuid, optional, text, withDefault } from './common.js';

export const CreateTopicBody = z.object({
  user_id: Uuid,
  // Limits on the name as sent; stored without surrounding white space.
  name: text({ max: 100, nonBlank: 1 }).transform((s) => s.trim()),
  description: optional(text({ max: 1000 })),
  color: withDefault(z.string().regex(/^#[0-9A-Fa-f]{6}$/, { message: 'must be a colour like #3B82F6' }), '#3B82F6'),
  tags: withDefault(Tags, []),
});
export const Topic = z
  .object({
    id: Uuid,
    user_id: Uuid,
    name: z.string(),
    description: z.string().nullable(),
    color: z.string(),
    tags: z.array(z.string()),
    entry_count: z.number().int().min(0),
    last_entry_date: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Topic' });
export const TopicList = z.array(Topic);
export type CreateTopicBody = z.infer<typeof CreateTopicBody>;
export type Topic = z.infer<typeof Topic>;
