import { z } from 'zod';

// Wire enums are those of the earlier service this API keeps wire-compatible with, unchanged (docs/CONTRACT.md).
export const SESSION_TYPES = ['reflection_buddy', 'inner_voice', 'growth_challenge', 'pattern_detective', 'free_chat'] as const;
export const SESSION_STATUSES = ['active', 'paused', 'completed', 'archived'] as const;
export const MESSAGE_ROLES = ['user', 'assistant', 'system'] as const;
export const CONVERSATION_MODES = [
  'supportive_listening',
  'therapeutic_guidance',
  'cognitive_reframing',
  'mindfulness_coaching',
  'goal_setting',
  'crisis_support',
  'reflection_facilitation',
  'emotional_processing',
] as const;
export const RESPONSE_STYLES = ['empathetic', 'analytical', 'encouraging', 'challenging', 'reflective', 'practical', 'creative'] as const;
export const CONVERSATION_STAGES = ['opening', 'exploration', 'insight_building', 'action_planning', 'closure', 'follow_up'] as const;
/** Order matters: it is the tie-break order for dominant_mood. */
export const MOOD_TYPES = ['very_positive', 'positive', 'neutral', 'negative', 'very_negative'] as const;
export const ENTRY_TYPES = ['journal', 'topic'] as const;
export const LANGUAGES = ['en', 'de'] as const;

export const SessionType = z.enum(SESSION_TYPES).meta({ id: 'SessionType' });
export const SessionStatus = z.enum(SESSION_STATUSES).meta({ id: 'SessionStatus' });
export const MessageRole = z.enum(MESSAGE_ROLES).meta({ id: 'MessageRole' });
export const ConversationMode = z.enum(CONVERSATION_MODES).meta({ id: 'ConversationMode' });
export const ResponseStyle = z.enum(RESPONSE_STYLES).meta({ id: 'ResponseStyle' });
export const ConversationStage = z.enum(CONVERSATION_STAGES).meta({ id: 'ConversationStage' });
export const MoodType = z.enum(MOOD_TYPES).meta({ id: 'MoodType' });
export const EntryType = z.enum(ENTRY_TYPES).meta({ id: 'EntryType' });
export const Language = z.enum(LANGUAGES).meta({ id: 'Language' });

export type SessionType = z.infer<typeof SessionType>;
export type SessionStatus = z.infer<typeof SessionStatus>;
export type MessageRole = z.infer<typeof MessageRole>;
export type ConversationMode = z.infer<typeof ConversationMode>;
export type ResponseStyle = z.infer<typeof ResponseStyle>;
export type ConversationStage = z.infer<typeof ConversationStage>;
export type MoodType = z.infer<typeof MoodType>;
export type EntryType = z.infer<typeof EntryType>;
export type Language = z.infer<typeof Language>;

export const DEV_USER_ID = '00000000-0000-0000-0000-000000000001';
