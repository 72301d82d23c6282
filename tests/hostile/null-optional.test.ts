import { fixtures, newUser } from '../../helpers/factories.js';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RawInput } from '../../helpers/api.js';
import { useStack } from '../../helpers/stack.js';
import { routeList, type RouteId } from '../../src/contract/routes.js';
import { namesField, skipUnoffered, targetField } from '../../helpers/judge.js';

// Issue 11 finding 15. CONTRACT: "A field marked optional may also be sent as null, which means absent".
// Every optional field of every route body (and of the objects inside them) is sent as null, one at a time,
// on top of a valid request: the answer is a success, the same as without the field. Any deployment owes
// the part its own document states: never a 5xx; where its document allows null for the field, a success;
// where it forbids it, a 4xx naming the field (helpers/judge.ts).
const stack = useStack();

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; required?: string[]; anyOf?: JsonSchema[] };

/** Dotted paths of every optional property, at the top and one object level down. */
function optionalPaths(schema: z.ZodType): string[] {
  const walk = (s: JsonSchema, prefix: string): string[] => {
    const obj = s.properties ? s : s.anyOf?.find((x) => x.properties);
    if (!obj?.properties) return [];
    return Object.entries(obj.properties).flatMap(([k, child]) => {
      const path = prefix ? `${prefix}.${k}` : k;
      const own = (obj.required ?? []).includes(k) ? [] : [path];
      return [...own, ...(prefix ? [] : walk(child, path))];
    });
  };
  return walk(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, '');
}

function withNull(body: Record<string, unknown>, path: string): Record<string, unknown> {
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) return { ...body, [head]: null };
  const inner = (body[head] as Record<string, unknown> | undefined) ?? {};
  return { ...body, [head]: { ...inner, [tail]: null } };
}

type Base = { params?: Record<string, string>; query?: Record<string, unknown>; body: Record<string, unknown> };
let bases: () => Promise<Partial<Record<RouteId, Base>>>;

beforeAll(async () => {
  const user_id = (await newUser(stack.api)).got.id;
  const entry = await stack.api.ok('createEntry', { body: { user_id, title: 't', content: fixtures().entryText() } }, 201);
  const session = await stack.api.ok('createSession', { body: { user_id, session_type: 'free_chat' } }, 201);
  const fixed: Partial<Record<RouteId, Base>> = {
    createTopic: { body: { user_id, name: 'null walk', description: 'd', color: '#112233', tags: ['x'] } },
    createEntry: { body: { user_id, title: 't', content: fixtures().entryText(), entry_type: 'journal', tags: ['x'] } },
    updateEntry: { params: { id: entry.id }, query: { user_id }, body: { title: 'new', is_favorite: true } },
    chatMessage: {
      body: { user_id, message: 'hello there', conversation_mode: 'goal_setting', context_metadata: { theme: 'work', language: 'en' } },
    },
    startConversation: { body: { user_id, conversation_mode: 'goal_setting', initial_context: { a: 1 } } },
    createSession: { body: { user_id, session_type: 'free_chat', title: 't', metadata: { conversation_mode: 'goal_setting' } } },
    postSessionMessage: { params: { id: session.id }, body: { user_id, content: 'more', role: 'user' } },
  };
  // Usernames are unique, so every createUser gets its own.
  bases = async () => ({
    ...fixed,
    createUser: { body: { username: `null-walk-${fixtures().int(0, 1e9)}`, display_name: 'n', timezone: 'UTC', language: 'en' } },
  });
});

const withBody = routeList.filter((r) => r.body);

describe('#15 null means absent on every optional field of every route body', () => {
  // The suite's own walk over this project's route table: nothing of the deployment.
  it('the walk covers every route that takes a body, and finds the fields the issue lists', { meta: { level: 'self' } }, async () => {
    const b = await bases();
    expect(withBody.map((r) => r.operationId).sort()).toEqual(Object.keys(b).sort());
    const all = withBody.flatMap((r) => optionalPaths(r.body!).map((p) => `${r.operationId}.${p}`));
    for (const f of [
      'chatMessage.session_id',
      'chatMessage.conversation_mode',
      'chatMessage.preferred_style',
      'chatMessage.session_type',
    ]) {
      expect(all).toContain(f);
    }
    for (const f of ['chatMessage.context_metadata', 'createUser.timezone', 'createUser.language', 'createEntry.entry_type']) {
      expect(all).toContain(f);
    }
    for (const f of [
      'createEntry.tags',
      'createEntry.created_at',
      'chatMessage.context_metadata.timestamp',
      'createSession.metadata.conversation_mode',
    ]) {
      expect(all).toContain(f);
    }
  });

  for (const spec of withBody) {
    it(`${spec.method} ${spec.path}: each optional field as null is accepted`, async (ctx) => {
      const id = spec.operationId as RouteId;
      skipUnoffered(stack.api, ctx, id);
      for (const path of optionalPaths(spec.body!)) {
        const base = (await bases())[id]!;
        const input: RawInput = { ...base, body: withNull(base.body, path) };
        const out = await stack.api.raw(id, input);
        const what = `${id} ${path}: null → ${out.status} ${JSON.stringify(out.body).slice(0, 400)}`;
        expect(out.status, what).toBeLessThan(500);
        if (stack.api.conformance === 'strict') {
          expect(out.ok, what).toBe(true);
          continue;
        }
        // The target's own rule for the top-level field (a nested null is judged inside its object).
        const top = path.split('.')[0]!;
        if (await targetField(id, 'body', top)) {
          const forbidden = stack.api.mustReject(id, 'body', top, (input.body as Record<string, unknown>)[top]);
          expect(out.ok, `${what} (its own document ${forbidden ? 'forbids' : 'allows'} it)`).toBe(!forbidden);
        }
        if (!out.ok) expect(namesField(out.body.details, path, 'body'), `${what}: the refusal does not name ${path}`).toBe(true);
      }
    });
  }

  // Which value null stands for is this project's rule (a target may store null as null).
  it('null takes the default, as absence does', { meta: { level: 'strict' } }, async () => {
    const user_id = (await newUser(stack.api)).got.id;
    const u = await stack.api.ok('createUser', { body: { username: `nulls-${user_id}`, timezone: null, language: null } as never }, 201);
    expect(u).toMatchObject({ timezone: 'UTC', language: 'en', display_name: null });
    const e = await stack.api.ok(
      'createEntry',
      { body: { user_id, title: 't', content: fixtures().entryText(), entry_type: null, tags: null, created_at: null } as never },
      201,
    );
    expect(e).toMatchObject({ entry_type: 'journal', tags: [] });
    const t = await stack.api.ok('createTopic', { body: { user_id, name: 'nulls', color: null, tags: null } as never }, 201);
    expect(t).toMatchObject({ color: '#3B82F6', tags: [] });
    const chat = await stack.api.ok('chatMessage', {
      body: { user_id, session_id: null, message: 'hi', conversation_mode: null, preferred_style: null, session_type: null } as never,
    });
    expect(chat.processing_metadata).toMatchObject({ conversation_mode: 'supportive_listening', session_type: 'free_chat' });
    expect(chat.response_style).toBe('empathetic');
  });
});
