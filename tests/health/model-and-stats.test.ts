import { fixtures, newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { useStack } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';
import { serverError, timeout, malformedJson, connectionRefused } from '../../fixtures/ollama/index.js';

const stack = useStack();

async function dbCounters(userId?: string) {
  const c = await stack.rows.counts(userId);
  return { total_conversations: c.sessions, messages_processed: c.userMessages };
}

describe('health follows the model stub', { meta: { classes: [12, 27], needs: ['model-stub'] } }, () => {
  it('healthy → degraded (200) while the model fails → healthy again by itself', async () => {
    expect.soft(await stack.api.ok('chatHealth', {}, 200), 'health before the fault').toMatchObject({
      status: 'healthy',
      llm_service_available: true,
      dependencies_available: true,
    });
    stack.ollama.use(...serverError());
    const degraded = await waitFor(
      async () => {
        const h = await stack.api.ok('chatHealth', {}, 200);
        return h.status === 'degraded' ? h : null;
      },
      { what: 'degraded health' },
    );
    expect
      .soft(degraded, 'health while the model fails')
      .toMatchObject({ database_available: true, llm_service_available: false, dependencies_available: false });
    const ready = await stack.api.ok('readiness', {}, 200);
    expect
      .soft(ready, 'readiness while the model fails')
      .toMatchObject({ status: 'degraded', components: { database: { status: 'up' }, llm: { status: 'down' } } });
    stack.ollama.resetHandlers();
    await waitFor(async () => (await stack.api.ok('chatHealth', {}, 200)).status === 'healthy', { what: 'healthy again' });
  });

  for (const [name, fault] of [
    ['500', serverError],
    ['timeout', timeout],
    ['malformed JSON', malformedJson],
    ['connection refused', connectionRefused],
  ] as const) {
    it(`a model failure (${name}) still stores the turn, answers a flagged fallback in the message's language`, async () => {
      const { got: u } = await newUser(stack.api);
      stack.ollama.use(...fault({ path: 'chat' }));
      const res = await stack.api.ok('chatMessage', {
        body: { user_id: u.id, message: 'Ich bin heute sehr müde und traurig, weil die Arbeit anstrengend war.' },
      });
      stack.ollama.resetHandlers();
      expect.soft(res.processing_metadata.fallback_response, 'processing_metadata.fallback_response').toBe(true);
      expect.soft(res.processing_metadata.language, 'processing_metadata.language').toBe('de');
      expect.soft(res.content, 'content').not.toMatch(/I'm sorry, I couldn't generate a response/i);
      // Stored as any client reads it back: the user's turn, then the flagged fallback that was answered.
      const hist = await stack.api.ok('history', { params: { session_id: res.session_id }, query: { user_id: u.id } });
      expect
        .soft(
          hist.messages.map((m) => [m.role, m.metadata.is_fallback === true]),
          'stored turn',
        )
        .toEqual([
          ['user', false],
          ['assistant', true],
        ]);
      expect.soft(hist.messages[1]?.content, 'stored reply content').toBe(res.content);
    });
  }

  it('an entry written while the model is down is kept, analysed by the lexicon and flagged', async () => {
    const { got: u } = await newUser(stack.api);
    stack.ollama.use(...serverError({ path: 'chat' }), ...serverError({ path: 'generate' }));
    const e = await stack.api.ok('createEntry', { body: { user_id: u.id, title: 't', content: fixtures().entryText('en', 3) } }, 201);
    stack.ollama.resetHandlers();
    expect.soft(e.emotion_analysis, 'entry.emotion_analysis').toMatchObject({ fallback: true, model: 'lexicon-fallback' });
    expect.soft(e.auto_tags.join(' '), 'entry.auto_tags').not.toMatch(/sorry/i);
    expect.soft(e.tags, 'entry.tags').toEqual([]);
  });
});

describe('/chat/stats is derived from the database', { meta: { classes: [11, 20] } }, () => {
  it('equals counts taken from the database, globally and per user', { meta: { needs: ['rows'] } }, async () => {
    const [a, b] = [(await newUser(stack.api)).got, (await newUser(stack.api)).got];
    const s = await stack.api.ok('chatMessage', { body: { user_id: a.id, message: 'one' } });
    await stack.api.ok('chatMessage', { body: { user_id: a.id, session_id: s.session_id, message: 'two' } });
    await stack.api.ok('chatMessage', { body: { user_id: b.id, message: 'three' } });
    const global = await stack.api.ok('chatStats');
    expect.soft(global.service_stats, 'global service_stats').toMatchObject(await dbCounters());
    expect.soft(global.user_id, 'global user_id').toBeNull();
    const mine = await stack.api.ok('chatStats', { query: { user_id: a.id } });
    expect.soft(mine.service_stats, "first user's service_stats").toMatchObject({
      ...(await dbCounters(a.id)),
      total_conversations: 1,
      messages_processed: 2,
      active_conversations: 1,
    });
    const theirs = await stack.api.ok('chatStats', { query: { user_id: b.id } });
    expect.soft(theirs.service_stats, "second user's service_stats").toMatchObject({
      total_conversations: 1,
      messages_processed: 1,
    });
  });
});
