import { z } from 'zod';
import { Language } from './enums.js';
import { TimeZone, Timestamp, Uuid } from './common.js';

export const CreateUserBody = z.object({
  id: Uuid.optional(),
  username: z.string().trim().min(1).max(100),
  display_name: z.string().max(200).nullish(),
  timezone: TimeZone.default('UTC'),
  language: Language.default('en'),
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
