import { sql, type Kysely } from 'kysely';

// Constraints make bad states impossible rather than merely unlikely: ownership by foreign key,
// polarity range, enum values, and a unique message order per session.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pgcrypto`.execute(db).catch(() => undefined);

  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY,
      username text NOT NULL CHECK (length(username) BETWEEN 1 AND 100),
      display_name text,
      timezone text NOT NULL DEFAULT 'UTC',
      language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'de')),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE topics (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      description text,
      color text NOT NULL DEFAULT '#3B82F6' CHECK (color ~ '^#[0-9A-Fa-f]{6}$'),
      tags jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    )`.execute(db);
  // One live topic per (user, name): no NULL column can bypass it (the original's parent_id hole).
  await sql`CREATE UNIQUE INDEX topics_user_name_live ON topics (user_id, name) WHERE deleted_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE entries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id),
      title text NOT NULL,
      content text NOT NULL,
      entry_type text NOT NULL CHECK (entry_type IN ('journal', 'topic')),
      topic_id uuid REFERENCES topics(id),
      tags jsonb NOT NULL DEFAULT '[]',
      auto_tags jsonb NOT NULL DEFAULT '[]',
      template_id uuid,
      language text NOT NULL CHECK (language IN ('en', 'de')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      word_count integer NOT NULL CHECK (word_count >= 0),
      reading_time_minutes integer NOT NULL CHECK (reading_time_minutes >= 1),
      mood text CHECK (mood IN ('very_positive', 'positive', 'neutral', 'negative', 'very_negative')),
      sentiment_score double precision CHECK (sentiment_score BETWEEN -1 AND 1),
      emotion_analysis jsonb,
      is_favorite boolean NOT NULL DEFAULT false,
      version integer NOT NULL DEFAULT 1,
      deleted_at timestamptz
    )`.execute(db);
  // Serves every per-user window query (analytics, lists); deleted rows never qualify.
  await sql`CREATE INDEX entries_user_created ON entries (user_id, created_at DESC) INCLUDE (mood, sentiment_score, word_count, reading_time_minutes) WHERE deleted_at IS NULL`.execute(
    db,
  );
  await sql`CREATE INDEX entries_topic ON entries (topic_id, created_at) WHERE deleted_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE chat_sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id),
      session_type text NOT NULL CHECK (session_type IN ('reflection_buddy', 'inner_voice', 'growth_challenge', 'pattern_detective', 'free_chat')),
      conversation_mode text NOT NULL,
      title text,
      description text,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'completed', 'archived')),
      tags jsonb NOT NULL DEFAULT '[]',
      metadata jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      last_activity timestamptz NOT NULL DEFAULT now(),
      message_count integer NOT NULL DEFAULT 0 CHECK (message_count >= 0),
      deleted_at timestamptz,
      UNIQUE (id, user_id)
    )`.execute(db);
  await sql`CREATE INDEX chat_sessions_user_activity ON chat_sessions (user_id, last_activity DESC) WHERE deleted_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE chat_messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL,
      user_id uuid NOT NULL,
      sequence integer NOT NULL CHECK (sequence >= 1),
      role text NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
      content text NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}',
      is_fallback boolean NOT NULL DEFAULT false,
      sentiment_polarity double precision CHECK (sentiment_polarity BETWEEN -1 AND 1),
      crisis boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      -- A message belongs to its session's owner: the composite key makes a cross-user row impossible.
      FOREIGN KEY (session_id, user_id) REFERENCES chat_sessions(id, user_id),
      UNIQUE (session_id, sequence)
    )`.execute(db);
  await sql`CREATE INDEX chat_messages_user_created ON chat_messages (user_id, created_at)`.execute(db);

  await sql`
    CREATE TABLE idempotency_keys (
      user_id uuid NOT NULL REFERENCES users(id),
      scope text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      status_code integer NOT NULL,
      response jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, scope, key)
    )`.execute(db);

  // The development user the original's data assumed but nothing created.
  await sql`
    INSERT INTO users (id, username, display_name, timezone, language)
    VALUES ('00000000-0000-0000-0000-000000000001', 'dev', 'Development user', 'UTC', 'en')
    ON CONFLICT (id) DO NOTHING`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['idempotency_keys', 'chat_messages', 'chat_sessions', 'entries', 'topics', 'users']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)}`.execute(db);
  }
}
