import { z } from 'zod';
import { Language } from './enums.js';
import { TimeZone, Timestamp, Uuid, optional, text, withDefault } from './common.js';

export const CreateUserBody = z.object({
  id: optional(Uuid),
  // Limits on the name as sent; stored without surrounding white space.
  username: text({ max: 100, nonBlank: 1 }).transform((s) => s.trim()),
  display_name: optional(text({ max: 200 })),
  timezone: withDefault(TimeZone, 'UTC'),
  language: withDefault(Language, 'en'),
});
export const User = z
  .object({
    id: Uuid,
    username: z.string(),
    display_name: z.string().nullable(),
    timezone: z.string(),
    language: Language,
    created_at: Timestamp,
  })
  .meta({ id: 'User' });
export type CreateUserBody = z.infer<typeof CreateUserBody>;
export type User = z.infer<typeof User>;
