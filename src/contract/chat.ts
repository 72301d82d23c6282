import { z } from 'zod';
import { ConversationMode, ConversationStage, Language, MessageRole, ResponseStyle, SessionStatus, SessionType } from './enums.js';
import { Metadata, Timestamp, TimestampInput, Uuid, intQuery, optional, text, withDefault } from './common.js';
import { CLIENT_TIME_RULE } from './entries.js';

export const ContextMetadata = z.looseObject({
  theme: optional(text({ max: 200 })),
  language: optional(Language),
  timestamp: optional(TimestampInput.meta({ description: `${TimestampInput.description ?? ''} ${CLIENT_TIME_RULE}` })),
});

export const ChatMessageBody = z.object({
  user_id: Uuid,
  session_id: optional(Uuid),
  message: text({ max: 2000, nonBlank: 1 }),
  conversation_mode: withDefault(ConversationMode, 'supportive_listening'),
  preferred_style: withDefault(ResponseStyle, 'empathetic'),
  session_type: optional(SessionType),
  context_metadata: optional(ContextMetadata),
});

export const IdempotencyHeaders = z.looseObject({
  'idempotency-key': text({ min: 1, max: 200 }).optional(),
});

export const ChatResponse = z.object({
  message_id: Uuid,
  session_id: Uuid,
  content: z.string().min(1),
  response_style: ResponseStyle,
  conversation_stage: ConversationStage,
  therapeutic_techniques: z.array(z.string()),
  follow_up_suggestions: z.array(z.string()),
  emotional_support_level: z.enum(['low', 'moderate', 'high']),
  crisis_indicators: z.array(z.string()),
  next_recommended_topics: z.array(z.string()),
  confidence_score: z.number().min(0).max(1),
  processing_metadata: z.object({
    fallback_response: z.boolean(),
    model: z.string(),
    turn_count: z.number().int().min(1),
    session_type: SessionType,
    conversation_mode: ConversationMode,
    language: Language,
    user_message_id: Uuid,
    processing_time_ms: z.number().int().min(0),
    error: z.string().optional(),
  }),
  timestamp: Timestamp,
});

export const ConversationsQuery = z.object({ user_id: Uuid, limit: intQuery(1, 200, 50) });
export const ConversationSummary = z.object({
  id: Uuid,
  session_type: SessionType,
  title: z.string().nullable(),
  status: SessionStatus,
  message_count: z.number().int().min(0),
  created_at: Timestamp,
  last_activity: Timestamp,
});
export const ConversationsResponse = z.object({
  conversations: z.array(ConversationSummary),
  total_count: z.number().int().min(0),
  user_id: Uuid,
  retrieved_at: Timestamp,
});

export const SessionIdParams = z.object({ session_id: Uuid });
export const HistoryQuery = z.object({ user_id: Uuid, limit: intQuery(1, 1000, 50) });
export const HistoryMessage = z.object({
  id: Uuid,
  role: MessageRole,
  content: z.string(),
  timestamp: Timestamp,
  metadata: Metadata,
});
export const HistoryResponse = z.object({
  session_id: Uuid,
  message_count: z.number().int().min(0),
  messages: z.array(HistoryMessage),
  retrieved_at: Timestamp,
});

export const StartConversationBody = z.object({
  user_id: Uuid,
  conversation_mode: withDefault(ConversationMode, 'supportive_listening'),
  session_type: optional(SessionType),
  initial_context: optional(Metadata),
});
export const StartConversationResponse = z.object({
  session_id: Uuid,
  user_id: Uuid,
  session_type: SessionType,
  conversation_mode: ConversationMode,
  status: SessionStatus,
  conversation_stage: ConversationStage,
  created_at: Timestamp,
});
export const EndConversationResponse = z.object({
  session_id: Uuid,
  status: z.literal('completed'),
  message_count: z.number().int().min(0),
  duration_minutes: z.number().min(0),
  summary: z.string(),
  ended_at: Timestamp,
});

const Described = <T extends z.ZodType>(value: T) => z.object({ value, name: z.string(), description: z.string() });
export const ModesResponse = z.object({ modes: z.array(Described(ConversationMode)) });
export const StylesResponse = z.object({ styles: z.array(Described(ResponseStyle)) });

export const ServiceStats = z
  .object({
    total_conversations: z.number().int().min(0),
    messages_processed: z.number().int().min(0),
    crisis_interventions: z.number().int().min(0),
    therapeutic_insights: z.number().int().min(0),
    average_user_satisfaction: z.number().min(0).max(5).nullable(),
    active_conversations: z.number().int().min(0),
    service_status: z.enum(['healthy', 'degraded', 'unhealthy']),
  })
  .meta({ id: 'ServiceStats' });
export const StatsQuery = z.object({ user_id: Uuid.optional() });
export const ChatStats = z.object({
  service_stats: ServiceStats,
  user_id: Uuid.nullable(),
  timestamp: Timestamp,
  service_version: z.string(),
  capabilities: z.array(z.string()),
});
export const ChatHealth = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  database_available: z.boolean(),
  llm_service_available: z.boolean(),
  emotion_service_available: z.boolean(),
  dependencies_available: z.boolean(),
  cache_operational: z.boolean(),
  service_stats: ServiceStats.nullable(),
  timestamp: Timestamp,
});

export type ChatMessageBody = z.infer<typeof ChatMessageBody>;
export type ChatResponse = z.infer<typeof ChatResponse>;
export type ServiceStats = z.infer<typeof ServiceStats>;
export type ChatHealth = z.infer<typeof ChatHealth>;
export type ConversationsResponse = z.infer<typeof ConversationsResponse>;
export type HistoryResponse = z.infer<typeof HistoryResponse>;
export type StartConversationBody = z.infer<typeof StartConversationBody>;
export type StartConversationResponse = z.infer<typeof StartConversationResponse>;
export type EndConversationResponse = z.infer<typeof EndConversationResponse>;
