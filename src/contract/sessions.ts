import { z } from 'zod';
import { ConversationMode, MessageRole, SessionStatus, SessionType } from './enums.js';
import { DateOrTimestampInput, Metadata, Tags, Timestamp, Uuid, intQuery, optional, text, withDefault } from './common.js';

export const SessionMessage = z
  .object({
    id: Uuid,
    session_id: Uuid,
    role: MessageRole,
    content: z.string(),
    sequence: z.number().int().min(1),
    timestamp: Timestamp,
    metadata: Metadata,
    is_fallback: z.boolean(),
  })
  .meta({ id: 'SessionMessage' });

export const CreateSessionBody = z.object({
  user_id: Uuid,
  session_type: SessionType,
  title: optional(text({ max: 200 })),
  description: optional(text({ max: 2000 })),
  tags: withDefault(Tags, []),
  // Free-form, except the one key later turns read as the session's mode.
  metadata: withDefault(z.looseObject({ conversation_mode: optional(ConversationMode) }), { conversation_mode: undefined }),
});
export const Session = z
  .object({
    id: Uuid,
    user_id: Uuid,
    session_type: SessionType,
    title: z.string().nullable(),
    description: z.string().nullable(),
    status: SessionStatus,
    created_at: Timestamp,
    updated_at: Timestamp,
    last_activity: Timestamp,
    message_count: z.number().int().min(0),
    tags: z.array(z.string()),
    metadata: Metadata,
    recent_messages: z.array(SessionMessage),
  })
  .meta({ id: 'Session' });
export const SessionList = z.array(Session);
export const ListSessionsQuery = z.object({
  user_id: Uuid,
  limit: intQuery(1, 100, 20),
  status: SessionStatus.optional(),
  session_type: SessionType.optional(),
  date_from: DateOrTimestampInput.optional(),
  date_to: DateOrTimestampInput.optional(),
  theme: text({ min: 1, max: 200 }).optional(),
});
export const SessionMessagesQuery = z.object({ user_id: Uuid, limit: intQuery(1, 1000, 100) });
export const SessionMessageList = z.array(SessionMessage);
export const PostSessionMessageBody = z.object({
  user_id: Uuid,
  content: text({ max: 2000, nonBlank: 1 }),
  role: withDefault(MessageRole, 'user'),
});
export const PostSessionMessageResponse = z.object({
  user_message: SessionMessage,
  assistant_message: SessionMessage.nullable(),
});
export const ExportQuery = z.object({ user_id: Uuid, format: z.enum(['json', 'markdown']).default('json') });
export const SessionExport = z.object({ session: Session, messages: z.array(SessionMessage), exported_at: Timestamp });

export type Session = z.infer<typeof Session>;
export type SessionMessage = z.infer<typeof SessionMessage>;
