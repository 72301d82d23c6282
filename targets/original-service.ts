import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { defineTarget } from '../helpers/deployment/hooks.js';
import { sqlRowReader } from '../helpers/deployment/sql-rows.js';

/**
 * The worked example: the original journaling service (lpthway/journaling-ai, FastAPI, the pre-auth
 * commit 1cde2ec) that this project's contract was derived from.
 *
 *   JOURNAL_API_URL=http://127.0.0.1:8000 JOURNAL_TARGET=./targets/original-service.ts npx vitest run --project integration
 *
 * It has no user route, so users are rows inserted into its `users` table. Its database defaults to the
 * one its docker set-up uses (ORIGINAL_DATABASE_URL or JOURNAL_DATABASE_URL override it). Restarts come
 * from JOURNAL_RESTART_COMMAND (for example a command that restarts its uvicorn and waits for /health).
 * Its model server is OLLAMA_BASE_URL: export the same value for its start (run.sh, restart.sh) and for the
 * run, and the suite serves its Ollama stub there (fixtures/ollama/serve.ts may hold the port meanwhile).
 */
const databaseUrl = (env: NodeJS.ProcessEnv) =>
  env.ORIGINAL_DATABASE_URL ?? env.JOURNAL_DATABASE_URL ?? 'postgres://postgres:password@127.0.0.1:55432/journaling_ai';

let pool: pg.Pool | undefined;

export default defineTarget({
  name: 'original journaling service (lpthway/journaling-ai @ 1cde2ec, FastAPI)',
  description:
    'Pre-auth FastAPI backend: user_id in bodies and queries, creates answer 200, errors as {"detail"} or {"error","details","body"}.',
  async createUser(ctx, wish) {
    pool ??= new pg.Pool({ connectionString: databaseUrl(ctx.env), max: 2, allowExitOnIdle: true });
    const id = randomUUID();
    // Its users table has unique usernames and emails; the id makes both unique per test.
    const username = `${wish.username}-${id.slice(0, 8)}`.slice(0, 50);
    await pool.query(
      `INSERT INTO users (id, username, email, display_name, timezone, language, preferences, psychology_profile, is_active)
       VALUES ($1, $2, $3, $4, $5, $6, '{}'::jsonb, '{}'::jsonb, true)`,
      [id, username, `${id}@suite.invalid`, wish.username, wish.timezone, wish.language],
    );
    return { id, username, timezone: wish.timezone, language: wish.language };
  },
  // It reads its model server from OLLAMA_BASE_URL (its default, localhost:11434, is a real Ollama's port:
  // without the variable the model-fault guarantees are not applicable rather than pointed there).
  model: { env: 'OLLAMA_BASE_URL' },
  headers(ctx) {
    // Its later, JWT-protected commits take a bearer token; the pre-auth commit ignores it.
    const token = ctx.env.ORIGINAL_BEARER_TOKEN;
    return token ? { authorization: `Bearer ${token}` } : {};
  },
  rows(ctx) {
    // Its chat messages carry no user id: a message belongs to its session's user.
    return sqlRowReader(databaseUrl(ctx.env), {
      topics: 'topics',
      entries: 'entries',
      sessions: 'chat_sessions',
      messages: 'chat_messages',
      messageSession: 'session_id',
      messageUser: null,
      softDelete: true,
    });
  },
  // Where its contract differs from this project's by design (read from its code and OpenAPI document):
  // each for exactly the property a test names, so the verdict shows it apart from the defects.
  differences: [
    { property: 'topic.user_id', class: 15, why: 'its topics take no user: every topic belongs to the default user …0001' },
    { property: 'row.topic.user_id', class: 15, why: 'its topics take no user: every topic row belongs to the default user …0001' },
    { property: 'session.user_id', class: 15, why: 'its sessions take no user: every session belongs to the default user …0001' },
    { property: 'row.session.user_id', class: 15, why: 'its sessions take no user: every session row belongs to the default user …0001' },
    { property: 'row.message.user_id', class: 15, why: 'a message belongs to its session, so to the default user …0001' },
    { property: 'session.session_type', class: 14, why: 'its /chat/message has no session_type: the type follows conversation_mode' },
  ],
  // Context for a reader, by class; a note never turns a failure into a difference.
  notes: {
    3: 'its content rule is len(content.strip()) >= 3, not three non-blank characters; title is unbounded',
    7: 'its creates answer 200, as its OpenAPI document declares (the behaviour level accepts any declared 2xx)',
    9: 'it has no Idempotency-Key: a retried POST is a new write by design',
    18: 'its analytics have no tz parameter and no timezone field: days are UTC dates',
    30: 'auth: this commit is pre-JWT, so no token is needed',
  },
});
