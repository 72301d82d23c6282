import { fixtures, newUser } from '../../helpers/factories.js';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useStack } from '../../helpers/stack.js';
import { about, expectFields } from '../../helpers/soft.js';

const stack = useStack();

// The original accepted these fields and silently dropped them, collapsing historical data into "now".
describe('client fields are stored, not dropped', { meta: { classes: [8] } }, () => {
  it('entries keep created_at, entry_type, template_id, tags and topic', async () => {
    const { got: u } = await newUser(stack.api);
    const topic = await stack.api.ok('createTopic', {
      body: { user_id: u.id, name: 'kept', description: 'd', color: '#AA00FF', tags: ['x'] },
    });
    // Each field its own result: a topic without its user must not hide an entry that lost its time.
    expectFields('topic', topic, { user_id: u.id, description: 'd', color: '#AA00FF', tags: ['x'] });
    const template = randomUUID();
    const e = await stack.api.ok(
      'createEntry',
      {
        body: {
          user_id: u.id,
          title: 'kept',
          content: fixtures().entryText(),
          entry_type: 'topic',
          template_id: template,
          tags: ['a', 'b'],
          topic_id: topic.id,
          created_at: '2025-12-24T18:00:00+01:00',
        },
      },
      201,
    );
    // Read back as any client would; the instant, whatever the offset it is written with.
    const back = await stack.api.ok('getEntry', { params: { id: e.id }, query: { user_id: u.id } });
    // Tags exactly as sent: nothing the server made up (a model's failure text) among them.
    expectFields(
      'entry',
      { ...back, created_at: new Date(back.created_at).toISOString() },
      {
        user_id: u.id,
        entry_type: 'topic',
        template_id: template,
        topic_id: topic.id,
        tags: ['a', 'b'],
        created_at: '2025-12-24T17:00:00.000Z',
      },
      back,
    );
  });

  it('entries keep those fields in the row itself', { meta: { needs: ['bundled'] } }, async () => {
    const { got: u } = await newUser(stack.api);
    const topic = await stack.api.ok('createTopic', { body: { user_id: u.id, name: 'kept' } });
    const template = randomUUID();
    const body = { user_id: u.id, title: 'kept', content: fixtures().entryText(), entry_type: 'topic' as const, template_id: template };
    const e = await stack.api.ok(
      'createEntry',
      { body: { ...body, tags: ['a', 'b'], topic_id: topic.id, created_at: '2025-12-24T18:00:00+01:00' } },
      201,
    );
    const back = await stack.api.ok('getEntry', { params: { id: e.id }, query: { user_id: u.id } });
    // This project's schema: the row itself.
    const row = await stack.db.selectFrom('entries').selectAll().where('id', '=', e.id).executeTakeFirstOrThrow();
    expectFields(
      'row',
      { ...row, created_at: row.created_at.toISOString() },
      {
        user_id: u.id,
        entry_type: 'topic',
        template_id: template,
        topic_id: topic.id,
        tags: ['a', 'b'],
        created_at: '2025-12-24T17:00:00.000Z',
      },
    );
    expect.soft(back.created_at, about(back, 'entry.created_at')).toBe('2025-12-24T17:00:00.000Z');
  });

  it('chat keeps session_type, context_metadata and its timestamp', { meta: { classes: [13, 14], needs: ['bundled'] } }, async () => {
    const { got: u } = await newUser(stack.api);
    const at = '2026-05-04T07:15:00Z';
    const r = await stack.api.ok('chatMessage', {
      body: {
        user_id: u.id,
        message: 'Heute war ein guter Tag.',
        session_type: 'growth_challenge',
        conversation_mode: 'mindfulness_coaching',
        context_metadata: { theme: 'Arbeit', language: 'de', timestamp: at },
      },
    });
    const session = await stack.db.selectFrom('chat_sessions').selectAll().where('id', '=', r.session_id).executeTakeFirstOrThrow();
    expectFields(
      'session',
      { ...session, created_at: session.created_at.toISOString() },
      {
        user_id: u.id,
        session_type: 'growth_challenge',
        conversation_mode: 'mindfulness_coaching',
        created_at: '2026-05-04T07:15:00.000Z',
      },
    );
    const msgs = await stack.db
      .selectFrom('chat_messages')
      .selectAll()
      .where('session_id', '=', r.session_id)
      .orderBy('sequence')
      .execute();
    // The two messages are read below: without them nothing further can be said.
    expect(msgs).toHaveLength(2);
    expect
      .soft(msgs[0]!.metadata, 'message.metadata')
      .toMatchObject({ context_metadata: { theme: 'Arbeit', language: 'de', timestamp: at } });
    expect.soft(msgs[0]!.created_at.toISOString(), 'message.created_at').toBe('2026-05-04T07:15:00.000Z');
    expect.soft(msgs[1]!.created_at.getTime(), 'reply after the message').toBeGreaterThan(msgs[0]!.created_at.getTime());
    const byTheme = await stack.api.ok('listSessions', { query: { user_id: u.id, theme: 'Arbeit' } });
    expect
      .soft(
        byTheme.map((s) => s.id),
        about(byTheme, 'sessions listed by theme:'),
      )
      .toEqual([r.session_id]);
    // Without session_type, the mode maps as in the original.
    const mapped = await stack.api.ok('chatMessage', {
      body: { user_id: u.id, message: 'hello', conversation_mode: 'cognitive_reframing' },
    });
    expect.soft(mapped.processing_metadata.session_type, about(mapped, 'processing_metadata.session_type')).toBe('pattern_detective');
  });
});
