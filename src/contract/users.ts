import { z } from 'zod';
import { Language } from './enums.js';
import { TimeZone, Timestamp, Uuid, optional, withDefault } from './common.js';

export const CreateUserBody = z.object({
  id: optional(Uuid),
  username: z.string().trim().min(1).max(100),
  display_name: optional(z.string().max(200)),
  timezone: withDefault(TimeZone, 'UTC'),
  language: withDefault(Language, 'en'),
});
export const User = z.object({
  id: Uuid,
  username: z.string(),
  display_name: z.string().nullable(),
  timezone: z.string(),
  language: Language,
  created_at: Timestamp,
});
export type CreateUserBody = z.infer<typeof CreateUserBody>;
export type User = z.infer<typeof User>;
