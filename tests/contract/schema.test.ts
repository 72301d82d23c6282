import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useStack } from '../../helpers/stack.js';
import { TABLE_COLUMNS } from '../../src/db/schema.js';
import { DEV_USER_ID } from '../../src/contract/enums.js';

const stack = useStack();

// This project's own schema: a guarantee about the bundled backend, not about the API.
describe('database schema', { meta: { classes: [31], needs: ['bundled'] } }, () => {
  it('the migrated tables have exactly the columns the code declares', async () => {
    const rows = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%'`.execute(
      stack.db,
    );
    const actual: Record<string, string[]> = {};
    for (const r of rows.rows) (actual[r.table_name] ??= []).push(r.column_name);
    const declared = Object.fromEntries(Object.entries(TABLE_COLUMNS).map(([t, cols]) => [t, Object.keys(cols).sort()]));
    expect(Object.fromEntries(Object.entries(actual).map(([t, c]) => [t, c.sort()]))).toEqual(declared);
  });

  it('the development user exists before any write, and constraints reject impossible rows', async () => {
    const dev = await stack.db.selectFrom('users').selectAll().where('id', '=', DEV_USER_ID).executeTakeFirst();
    expect(dev?.id).toBe(DEV_USER_ID);
    const session = await stack.db
      .insertInto('chat_sessions')
      .values({
        user_id: DEV_USER_ID,
        session_type: 'free_chat',
        conversation_mode: 'supportive_listening',
        title: null,
        description: null,
        status: 'active',
        tags: '[]',
        metadata: '{}',
        deleted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const msg = (sequence: number, user_id = DEV_USER_ID) => ({
      session_id: session.id,
      user_id,
      sequence,
      role: 'user' as const,
      content: 'x',
      metadata: '{}',
      is_fallback: false,
      sentiment_polarity: null,
      crisis: false,
    });
    await stack.db.insertInto('chat_messages').values(msg(1)).execute();
    await expect(stack.db.insertInto('chat_messages').values(msg(1)).execute()).rejects.toThrow(/unique/i);
    await expect(stack.db.insertInto('chat_messages').values(msg(2, '00000000-0000-0000-0000-000000000002')).execute()).rejects.toThrow(
      /foreign key/i,
    );
    await expect(
      sql`INSERT INTO entries (user_id, title, content, entry_type, language, word_count, reading_time_minutes, sentiment_score) VALUES (${DEV_USER_ID}, 't', 'c', 'journal', 'en', 1, 1, -1.5)`.execute(
        stack.db,
      ),
    ).rejects.toThrow(/check constraint/i);
  });
});
