import { fixtures, newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { expectedErrors } from '../../helpers/errors.js';
import { useStack } from '../../helpers/stack.js';

// Issue 11 findings 4, 10, 12, 13, 14 and 16: hostile text and structure in bodies and queries get a 422
// naming the field, never a 500, never a silent change.
const stack = useStack();

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('hostile text and structure → 422 naming the field', { meta: { classes: [3] } }, () => {
  it('#4 NUL in body text fields and in queries', async () => {
    const { got: u } = await newUser(stack.api);
    const user_id = u.id;
    expect(await stack.api.fail('createEntry', { body: { user_id, title: 'a\u0000b', content: 'some content' } }, 422)).toEqual(
      expectedErrors.validation('title'),
    );
    expect(await stack.api.fail('createTopic', { body: { user_id, name: 'n\u0000' } }, 422)).toEqual(expectedErrors.validation('name'));
    expect(await stack.api.fail('chatMessage', { body: { user_id, message: 'hi\u0000' } }, 422)).toEqual(
      expectedErrors.validation('message'),
    );
    expect(
      await stack.api.fail('createSession', { body: { user_id, session_type: 'free_chat', metadata: { note: 'x\u0000' } } }, 422),
    ).toEqual(expectedErrors.validation('metadata.note'));
    expect(await stack.api.fail('listSessions', { query: { user_id, theme: '\u0000' } }, 422)).toEqual(expectedErrors.validation('theme'));
    expect(await stack.api.fail('listEntries', { query: { user_id, date_from: '2026-01-01\u0000' } }, 422)).toEqual(
      expectedErrors.validation('date_from'),
    );
  });

  it('#4 lone surrogates in JSON-stored fields and keys', async () => {
    const user_id = (await newUser(stack.api)).got.id;
    expect(
      await stack.api.fail('createSession', { body: { user_id, session_type: 'free_chat', metadata: { note: 'x\uD800' } } }, 422),
    ).toEqual(expectedErrors.validation('metadata.note'));
    expect(
      await stack.api.fail('chatMessage', { body: { user_id, message: 'hello', context_metadata: { mood: ['\uDC00'] } } }, 422),
    ).toEqual(expectedErrors.validation('context_metadata.mood.0'));
    const e = await stack.api.failRaw('startConversation', { rawBody: `{"user_id":"${user_id}","initial_context":{"k\\ud800":1}}` }, 422);
    expect(e.details[0]?.path).toMatch(/^initial_context\./);
  });

  it('#13 lone surrogates in text columns are refused, so distinct names cannot collide', async () => {
    const user_id = (await newUser(stack.api)).got.id;
    expect(await stack.api.fail('createTopic', { body: { user_id, name: 'plans \uD800' } }, 422)).toEqual(
      expectedErrors.validation('name'),
    );
    expect(await stack.api.fail('createTopic', { body: { user_id, name: 'plans \uDBFF' } }, 422)).toEqual(
      expectedErrors.validation('name'),
    );
    expect(await stack.api.ok('listTopics', { query: { user_id } })).toEqual([]);
    // A well-formed pair is text like any other and survives unchanged.
    const t = await stack.api.ok('createTopic', { body: { user_id, name: 'plans \uD83D\uDE00' } }, 201);
    expect(t.name).toBe('plans \uD83D\uDE00');
  });

  it('#10 thousands of levels of nesting in metadata, context_metadata and initial_context', async () => {
    const user_id = (await newUser(stack.api)).got.id;
    const cases = [
      ['createSession', `{"user_id":"${user_id}","session_type":"free_chat","metadata":${nested(4200)}}`, 'metadata'],
      ['chatMessage', `{"user_id":"${user_id}","message":"hi","context_metadata":${nested(4200)}}`, 'context_metadata'],
      ['startConversation', `{"user_id":"${user_id}","initial_context":${nested(4200)}}`, 'initial_context'],
    ] as const;
    for (const [route, rawBody, field] of cases) {
      const out = await stack.api.raw(route, { rawBody });
      expect(out.ok, route).toBe(false);
      expect([413, 422], route).toContain(out.status);
      if (!out.ok)
        expect(
          out.body.details.map((d) => d.path.split('.')[0]),
          route,
        ).toContain(field);
    }
    // Ordinary nesting is still data.
    const s = await stack.api.ok('createSession', { body: { user_id, session_type: 'free_chat', metadata: JSON.parse(nested(8)) } }, 201);
    expect(s.metadata).toEqual(JSON.parse(nested(8)));
  });

  // This project's rules for fields and keys a target may not have at all: the strict contract.
  it('#12 impossible calendar dates and 24:00 are refused, never moved to another day', { meta: { level: 'strict' } }, async () => {
    const user_id = (await newUser(stack.api)).got.id;
    const content = fixtures().entryText();
    for (const created_at of [
      '2026-02-30T10:00:00Z',
      '2025-02-29T10:00:00Z',
      '2026-04-31T10:00:00',
      '2026-01-10T24:00:00Z',
      '2026-01-10T10:60:00Z',
    ]) {
      expect(await stack.api.fail('createEntry', { body: { user_id, title: 't', content, created_at } }, 422), created_at).toEqual(
        expectedErrors.validation('created_at'),
      );
    }
    expect(
      await stack.api.fail(
        'chatMessage',
        { body: { user_id, message: 'hi', context_metadata: { timestamp: '2025-02-29T08:00:00Z' } } },
        422,
      ),
    ).toEqual(expectedErrors.validation('context_metadata.timestamp'));
    for (const date_from of ['2026-02-30', '2026-04-31', '2026-01-10T24:00:00Z']) {
      expect(await stack.api.fail('listEntries', { query: { user_id, date_from } }, 422), date_from).toEqual(
        expectedErrors.validation('date_from'),
      );
      expect(await stack.api.fail('listSessions', { query: { user_id, date_to: date_from } }, 422), date_from).toEqual(
        expectedErrors.validation('date_to'),
      );
    }
    // Real leap days and the last second of a day are dates like any other.
    const e = await stack.api.ok('createEntry', { body: { user_id, title: 't', content, created_at: '2024-02-29T23:59:59Z' } }, 201);
    expect(e.created_at).toBe('2024-02-29T23:59:59.000Z');
  });

  it('#14 __proto__ and constructor keys are named in a 422, not called invalid JSON', { meta: { level: 'strict' } }, async () => {
    const user_id = (await newUser(stack.api)).got.id;
    const top = await stack.api.failRaw('createTopic', { rawBody: `{"user_id":"${user_id}","name":"t","__proto__":{"admin":true}}` }, 422);
    expect(top).toEqual(expectedErrors.validation('__proto__'));
    const deep = await stack.api.failRaw(
      'createSession',
      { rawBody: `{"user_id":"${user_id}","session_type":"free_chat","metadata":{"x":{"constructor":{"prototype":{"a":1}}}}}` },
      422,
    );
    expect(deep).toEqual(expectedErrors.validation('metadata.x.constructor'));
    const inArray = await stack.api.failRaw(
      'chatMessage',
      { rawBody: `{"user_id":"${user_id}","message":"hi","context_metadata":{"list":[{"__proto__":null}]}}` },
      422,
    );
    expect(inArray).toEqual(expectedErrors.validation('context_metadata.list.0.__proto__'));
  });

  it('#16 metadata.conversation_mode on POST /sessions/ is the enum', { meta: { level: 'strict' } }, async () => {
    const user_id = (await newUser(stack.api)).got.id;
    for (const conversation_mode of ['bogus', 123, { mode: 'goal_setting' }]) {
      expect(
        await stack.api.failRaw('createSession', { body: { user_id, session_type: 'free_chat', metadata: { conversation_mode } } }, 422),
        JSON.stringify(conversation_mode),
      ).toEqual(expectedErrors.validation('metadata.conversation_mode'));
    }
    const s = await stack.api.ok(
      'createSession',
      { body: { user_id, session_type: 'free_chat', metadata: { conversation_mode: 'goal_setting', other: 1 } } },
      201,
    );
    expect(s.metadata).toEqual({ conversation_mode: 'goal_setting', other: 1 });
  });
});
