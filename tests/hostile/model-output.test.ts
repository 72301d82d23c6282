import { newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { taintedText } from '../../fixtures/ollama/index.js';
import { useStack } from '../../helpers/stack.js';
import { textProblem } from '../../src/contract/wire-input.js';

// Issue 11: "Model output is input too: a model reply that contains NUL makes POST /chat/message a 500."
// The stub model answers normally except that every string it writes carries NUL or half a surrogate
// pair; the turn is answered and stored, and nothing stored or answered holds text that is not text.
const stack = useStack();

const TAINTS = {
  NUL: (s: string) => `${s.slice(0, 5)}\u0000${s.slice(5)}\u0000`,
  'lone surrogate': (s: string) => `${s}\uD800`,
};

const allStrings = (v: unknown): string[] =>
  typeof v === 'string'
    ? [v]
    : Array.isArray(v)
      ? v.flatMap(allStrings)
      : v && typeof v === 'object'
        ? Object.values(v).flatMap(allStrings)
        : [];

/** Every string of an answer is text: no NUL, no half of a surrogate pair. */
function clean(what: string, v: unknown): void {
  for (const s of allStrings(v)) expect(textProblem(s), `${what}: ${JSON.stringify(s).slice(0, 200)}`).toBeUndefined();
}

/** What the target stored for a session, through whichever of its reads it has (the behaviour level). */
async function storedTurns(sessionId: string, userId: string): Promise<unknown> {
  if (!stack.api.offers('sessionMessages')) return null;
  return stack.api.ok('sessionMessages', { params: { id: sessionId }, query: { user_id: userId } });
}

// Any deployment that takes the suite's model stub owes a success and clean text, answered and stored (a
// database cannot hold NUL); the flags, the fallback rule and the exact reads are this project's contract.
describe('a model that writes NUL or lone surrogates', { meta: { classes: [27], needs: ['model-stub'] } }, () => {
  const strict = () => stack.api.conformance === 'strict';
  for (const [name, taint] of Object.entries(TAINTS)) {
    it(`${name}: POST /chat/message answers 200 and stores clean text`, async () => {
      stack.ollama.use(...taintedText(taint, { path: 'chat' }));
      const { got: u } = await newUser(stack.api);
      const reply = await stack.api.ok('chatMessage', { body: { user_id: u.id, message: 'I had a long day at work today.' } });
      clean('answered', reply);
      if (!strict()) {
        const sid = (reply as { session_id?: unknown }).session_id;
        if (typeof sid === 'string') clean('stored', await storedTurns(sid, u.id));
        return;
      }
      expect(reply.processing_metadata.fallback_response).toBe(false);
      expect(reply.content.trim()).not.toBe('');
      for (const s of allStrings(reply)) expect(textProblem(s), JSON.stringify(s)).toBeUndefined();
      const history = await stack.api.ok('history', { params: { session_id: reply.session_id }, query: { user_id: u.id } });
      expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(history.messages[1]?.content).toBe(reply.content);
      for (const s of allStrings(history)) expect(textProblem(s), JSON.stringify(s)).toBeUndefined();
    });

    it(`${name}: POST /sessions/{id}/messages answers 201 and stores clean text`, async () => {
      stack.ollama.use(...taintedText(taint, { path: 'chat' }));
      const { got: u } = await newUser(stack.api);
      const s = await stack.api.ok('createSession', { body: { user_id: u.id, session_type: 'free_chat' } }, 201);
      const out = await stack.api.ok(
        'postSessionMessage',
        { params: { id: s.id }, body: { user_id: u.id, content: 'Work was stressful and I am worried.' } },
        201,
      );
      clean('answered', out);
      if (!strict()) {
        clean('stored', await storedTurns(s.id, u.id));
        return;
      }
      expect(out.assistant_message?.content.trim()).not.toBe('');
      expect(out.assistant_message?.is_fallback).toBe(false);
      const messages = await stack.api.ok('sessionMessages', { params: { id: s.id }, query: { user_id: u.id } });
      expect(messages).toHaveLength(2);
      for (const x of allStrings(messages)) expect(textProblem(x), JSON.stringify(x)).toBeUndefined();
    });
  }

  it('a reply that is nothing but NUL falls back to a flagged canned reply', async () => {
    stack.ollama.use(...taintedText((s) => (s.length > 20 ? '\u0000\u0000' : s), { path: 'chat' }));
    const { got: u } = await newUser(stack.api);
    const reply = await stack.api.ok('chatMessage', { body: { user_id: u.id, message: 'I had a long day at work today.' } });
    clean('answered', reply);
    if (!strict()) return;
    expect(reply.processing_metadata.fallback_response).toBe(true);
    expect(textProblem(reply.content)).toBeUndefined();
  });
});
