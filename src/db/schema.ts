import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { EmotionAnalysis } from '../contract/entries.js';
import type { ConversationMode, EntryType, Language, MessageRole, MoodType, SessionStatus, SessionType } from '../contract/enums.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface UsersTable {
  id: string;
  username: string;
  display_name: string | null;
  timezone: string;
  language: Language;
  created_at: Timestamp;
  /** The zones this user's analytics rollups exist for (migration 0004); maintained by the database. */
  analytics_zones: ColumnType<string[], string[] | undefined, string[]>;
}

export interface TopicsTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  description: string | null;
  color: string;
  tags: Json<string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Date | null;
}

export interface EntriesTable {
  id: Generated<string>;
  user_id: string;
  title: string;
  content: string;
  entry_type: EntryType;
  topic_id: string | null;
  tags: Json<string[]>;
  auto_tags: Json<string[]>;
  template_id: string | null;
  language: Language;
  created_at: Timestamp;
  updated_at: Timestamp;
  word_count: number;
  reading_time_minutes: number;
  mood: MoodType | null;
  sentiment_score: number | null;
  emotion_analysis: Json<EmotionAnalysis> | null;
  is_favorite: Generated<boolean>;
  version: Generated<number>;
  deleted_at: Date | null;
}

export interface ChatSessionsTable {
  id: Generated<string>;
  user_id: string;
  session_type: SessionType;
  conversation_mode: ConversationMode;
  title: string | null;
  description: string | null;
  status: SessionStatus;
  tags: Json<string[]>;
  metadata: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_activity: Timestamp;
  message_count: Generated<number>;
  /** How many of the session's messages have role 'user' (the turn number of the latest one). */
  user_turns: Generated<number>;
  deleted_at: Date | null;
}

export interface ChatMessagesTable {
  id: Generated<string>;
  session_id: string;
  user_id: string;
  sequence: number;
  role: MessageRole;
  content: string;
  metadata: Json<Record<string, unknown>>;
  is_fallback: boolean;
  sentiment_polarity: number | null;
  crisis: boolean;
  created_at: Timestamp;
}

export interface IdempotencyKeysTable {
  user_id: string;
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: Json<unknown>;
  created_at: Timestamp;
}

/** Analytics rollup of one (user, zone, local day, mood; '' for none), kept by triggers (migration 0004). */
export interface EntryDaysTable {
  user_id: string;
  zone: string;
  day: ColumnType<Date, string, string>;
  mood: string;
  entries: number;
  words: ColumnType<string, number, number>;
  reading_minutes: ColumnType<string, number, number>;
  min_words: number | null;
  max_words: number | null;
  sentiment_sum: number;
  sentiment_n: number;
  first_at: Date | null;
  last_at: Date | null;
}

/** The user turns of live sessions on one (user, zone, local day), kept by triggers (migration 0004). */
export interface ChatDaysTable {
  user_id: string;
  zone: string;
  day: ColumnType<Date, string, string>;
  messages: number;
  polarity_sum: number;
  polarity_n: number;
}

export interface Database {
  users: UsersTable;
  topics: TopicsTable;
  entries: EntriesTable;
  chat_sessions: ChatSessionsTable;
  chat_messages: ChatMessagesTable;
  idempotency_keys: IdempotencyKeysTable;
  entry_days: EntryDaysTable;
  chat_days: ChatDaysTable;
}

export type UserRow = Selectable<UsersTable>;
export type TopicRow = Selectable<TopicsTable>;
export type EntryRow = Selectable<EntriesTable>;
export type SessionRow = Selectable<ChatSessionsTable>;
export type MessageRow = Selectable<ChatMessagesTable>;
export type NewEntry = Insertable<EntriesTable>;

type ColumnSet<T> = Record<keyof T, true>;
/**
 * The column names the code's types declare, at run time, so a test can hold them against the migrated
 * database (the original's models and migrations disagreed on `*_metadata` versus `*_data`).
 * `satisfies` makes a missing or extra name a compile error.
 */
export const TABLE_COLUMNS = {
  users: {
    id: true,
    username: true,
    display_name: true,
    timezone: true,
    language: true,
    created_at: true,
    analytics_zones: true,
  } satisfies ColumnSet<UsersTable>,
  topics: {
    id: true,
    user_id: true,
    name: true,
    description: true,
    color: true,
    tags: true,
    created_at: true,
    updated_at: true,
    deleted_at: true,
  } satisfies ColumnSet<TopicsTable>,
  entries: {
    id: true,
    user_id: true,
    title: true,
    content: true,
    entry_type: true,
    topic_id: true,
    tags: true,
    auto_tags: true,
    template_id: true,
    language: true,
    created_at: true,
    updated_at: true,
    word_count: true,
    reading_time_minutes: true,
    mood: true,
    sentiment_score: true,
    emotion_analysis: true,
    is_favorite: true,
    version: true,
    deleted_at: true,
  } satisfies ColumnSet<EntriesTable>,
  chat_sessions: {
    id: true,
    user_id: true,
    session_type: true,
    conversation_mode: true,
    title: true,
    description: true,
    status: true,
    tags: true,
    metadata: true,
    created_at: true,
    updated_at: true,
    last_activity: true,
    message_count: true,
    user_turns: true,
    deleted_at: true,
  } satisfies ColumnSet<ChatSessionsTable>,
  chat_messages: {
    id: true,
    session_id: true,
    user_id: true,
    sequence: true,
    role: true,
    content: true,
    metadata: true,
    is_fallback: true,
    sentiment_polarity: true,
    crisis: true,
    created_at: true,
  } satisfies ColumnSet<ChatMessagesTable>,
  idempotency_keys: {
    user_id: true,
    scope: true,
    key: true,
    request_hash: true,
    status_code: true,
    response: true,
    created_at: true,
  } satisfies ColumnSet<IdempotencyKeysTable>,
  entry_days: {
    user_id: true,
    zone: true,
    day: true,
    mood: true,
    entries: true,
    words: true,
    reading_minutes: true,
    min_words: true,
    max_words: true,
    sentiment_sum: true,
    sentiment_n: true,
    first_at: true,
    last_at: true,
  } satisfies ColumnSet<EntryDaysTable>,
  chat_days: {
    user_id: true,
    zone: true,
    day: true,
    messages: true,
    polarity_sum: true,
    polarity_n: true,
  } satisfies ColumnSet<ChatDaysTable>,
} satisfies Record<keyof Database, unknown>;
