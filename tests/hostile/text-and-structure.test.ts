import { fixtures, newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { expectedErrors } from '../../helpers/errors.js';
import { isDateField, refusedOrKept } from '../../helpers/judge.js';
import { useStack } from '../../helpers/stack.js';

// Issue 11 findings 4, 10, 12, 13, 14 and 16: hostile text and structure in bodies and queries get a 422
// naming the field, never a 500, never a silent change.
const stack = useStack();

/** Where the answer carries the field at all, it carries what was sent. */
function keptIfAnswered(body: unknown, field: string, sent: unknown): void {
  const got = (body as Record<string, unknown> | null)?.[field];
  if (got !== undefined) expect(got, `${field} stored as sent`).toEqual(sent);
}

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

  // Impossible dates are invalid under any date format a document may give; where the target does not give
  // the field a date format (or does not declare it), only "never a 5xx; a refusal names it" is owed.
  it('#12 impossible calendar dates and 24:00 are refused, never moved to another day', async () => {
    const user_id = (await newUser(stack.api)).got.id;
    const content = fixtures().entryText();
    const strict = stack.api.conformance === 'strict';
    for (const created_at of [
      '2026-02-30T10:00:00Z',
      '2025-02-29T10:00:00Z',
      '2026-04-31T10:00:00',
      '2026-01-10T24:00:00Z',
      '2026-01-10T10:60:00Z',
    ]) {
      const input = { body: { user_id, title: 't', content, created_at } };
      const forbidden = await isDateField(stack.api, 'createEntry', 'body', 'created_at');
      const { reply } = await refusedOrKept(stack.api, 'createEntry', input, {
        where: 'body',
        field: 'created_at',
        value: created_at,
        forbidden,
      });
      if (strict) expect(reply.body, created_at).toEqual(expectedErrors.validation('created_at'));
    }
    const chat = await refusedOrKept(
      stack.api,
      'chatMessage',
      { body: { user_id, message: 'hi', context_metadata: { timestamp: '2025-02-29T08:00:00Z' } } },
      { where: 'body', field: 'context_metadata.timestamp', value: '2025-02-29T08:00:00Z' },
    );
    if (strict) expect(chat.reply.body).toEqual(expectedErrors.validation('context_metadata.timestamp'));
    for (const date of ['2026-02-30', '2026-04-31', '2026-01-10T24:00:00Z']) {
      for (const [route, field] of [
        ['listEntries', 'date_from'],
        ['listSessions', 'date_to'],
      ] as const) {
        const forbidden = await isDateField(stack.api, route, 'query', field);
        const { reply } = await refusedOrKept(
          stack.api,
          route,
          { query: { user_id, [field]: date } },
          { where: 'query', field, value: date, forbidden },
        );
        if (strict) expect(reply.body, `${route} ${date}`).toEqual(expectedErrors.validation(field));
      }
    }
    // Real leap days and the last second of a day are dates like any other: valid wherever the field is.
    const e = await stack.api.ok('createEntry', { body: { user_id, title: 't', content, created_at: '2024-02-29T23:59:59Z' } }, 201);
    if (strict) expect(e.created_at).toBe('2024-02-29T23:59:59.000Z');
  });

  // A key named like a prototype is data: refused naming it, or stored as sent (never a 5xx).
  it('#14 __proto__ and constructor keys are named in a 422, not called invalid JSON', async () => {
    const user_id = (await newUser(stack.api)).got.id;
    const strict = stack.api.conformance === 'strict';
    const top = await refusedOrKept(
      stack.api,
      'createTopic',
      { rawBody: `{"user_id":"${user_id}","name":"t","__proto__":{"admin":true}}` },
      { where: 'body', field: '__proto__', value: { admin: true } },
    );
    if (strict) expect(top.reply.body).toEqual(expectedErrors.validation('__proto__'));
    else if (top.reply.ok) expect(JSON.stringify(top.reply.body)).not.toContain('"admin":true');
    const metadata = { x: { constructor: { prototype: { a: 1 } } } };
    const deep = await refusedOrKept(
      stack.api,
      'createSession',
      { rawBody: `{"user_id":"${user_id}","session_type":"free_chat","metadata":${JSON.stringify(metadata)}}` },
      { where: 'body', field: 'metadata.x.constructor', value: metadata, kept: (b) => keptIfAnswered(b, 'metadata', metadata) },
    );
    if (strict) expect(deep.reply.body).toEqual(expectedErrors.validation('metadata.x.constructor'));
    const inArray = await refusedOrKept(
      stack.api,
      'chatMessage',
      { rawBody: `{"user_id":"${user_id}","message":"hi","context_metadata":{"list":[{"__proto__":null}]}}` },
      { where: 'body', field: 'context_metadata.list.0.__proto__', value: { list: [{ ['__proto__']: null }] } },
    );
    if (strict) expect(inArray.reply.body).toEqual(expectedErrors.validation('context_metadata.list.0.__proto__'));
  });

  // Our metadata.conversation_mode is an enum; a target whose document declares no such rule may keep the
  // value, but then as sent.
  it('#16 metadata.conversation_mode on POST /sessions/ is the enum', async () => {
    const user_id = (await newUser(stack.api)).got.id;
    const strict = stack.api.conformance === 'strict';
    for (const conversation_mode of ['bogus', 123, { mode: 'goal_setting' }]) {
      const metadata = { conversation_mode };
      const { reply } = await refusedOrKept(
        stack.api,
        'createSession',
        { body: { user_id, session_type: 'free_chat', metadata } },
        { where: 'body', field: 'metadata.conversation_mode', value: metadata, kept: (b) => keptIfAnswered(b, 'metadata', metadata) },
      );
      if (strict) expect(reply.body, JSON.stringify(conversation_mode)).toEqual(expectedErrors.validation('metadata.conversation_mode'));
    }
    const metadata = { conversation_mode: 'goal_setting' as const, other: 1 };
    const s = await stack.api.ok('createSession', { body: { user_id, session_type: 'free_chat', metadata } }, 201);
    keptIfAnswered(s, 'metadata', metadata);
  });
});
