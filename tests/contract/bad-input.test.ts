import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectedErrors } from '../../helpers/errors.js';
import { useStack } from '../../helpers/stack.js';
import { parseReply, type RawInput } from '../../helpers/api.js';
import type { RouteId } from '../../src/contract/routes.js';
import { fixtures, newUser } from '../../helpers/factories.js';
import { ErrorEnvelope } from '../../src/contract/errors.js';
import { BODY_LIMIT_BYTES } from '../../src/server/app.js';

const stack = useStack();

const rowCounts = () => stack.rows.counts();

/** One bad value: the route, the request, where the value sits and what it is, the envelope that names it. */
type Refusal = [RouteId, RawInput, ['params' | 'query' | 'body', string, unknown], unknown];

/**
 * Each case is refused naming its field where the target's own document forbids the value too (always under
 * the strict contract). A value its document allows, or a field it does not declare, is no bad input there
 * (ApiClient.mustReject): such a case is judged "never a 5xx" only, after the caller's row check, since it may
 * write. Soft: every case reports, not only the first.
 */
async function expectRefused(cases: Refusal[]): Promise<{ allowed(): Promise<void> }> {
  const label = ([route, , [where, field, value]]: Refusal) => `${route} ${where}.${field}=${JSON.stringify(value).slice(0, 40)}`;
  const allowed = cases.filter(([route, , [where, field, value]]) => !stack.api.mustReject(route, where, field, value));
  for (const c of cases.filter((x) => !allowed.includes(x))) {
    expect.soft(await stack.api.failRaw(c[0], c[1], 422).catch((e: Error) => e.message), label(c)).toEqual(c[3]);
  }
  return {
    async allowed() {
      for (const c of allowed) {
        const status = await stack.api.raw(c[0], c[1]).then(
          (r) => r.status,
          (e: Error) => e.message,
        );
        expect.soft(status, `${label(c)}: allowed by the target's own document, so only never a 5xx`).toBeLessThan(500);
      }
    },
  };
}

describe('bad input gets a 4xx in the envelope naming what is wrong, and writes nothing', () => {
  it('malformed JSON → 400 invalid_json; an empty JSON body is no body', { meta: { classes: [3], needs: ['rows'] } }, async () => {
    const before = await rowCounts();
    expect(await stack.api.failRaw('createEntry', { rawBody: '{"user_id": "x", ' }, 400)).toEqual(expectedErrors.invalidJson());
    // An empty body with a JSON type is no body: the route's schema names the missing body.
    // (A target without this project's user route is asked on its entry route.)
    const route = stack.api.offers('createUser') ? 'createUser' : 'createEntry';
    expect(await stack.api.failRaw(route, { rawBody: '' }, 422)).toEqual(expectedErrors.emptyBody());
    expect(await rowCounts()).toEqual(before);
  });

  it('a body that is not JSON → 415 unsupported_media_type', { meta: { level: 'strict' } }, async () => {
    expect(await stack.api.failRaw('createUser', { rawBody: '<user/>', headers: { 'content-type': 'application/xml' } }, 415)).toEqual(
      expectedErrors.unsupportedMediaType(),
    );
  });

  it('every bad field of params, query, body and headers is named, each once', { meta: { level: 'strict', classes: [3] } }, async () => {
    expect(await stack.api.fail('getUser', { params: { id: 'not-a-uuid' } }, 422)).toEqual({
      ...expectedErrors.validation('id'),
      details: [{ path: 'id', message: 'must be a UUID' }],
    });
    expect(await stack.api.fail('listEntries', { query: { user_id: 'x', limit: 0, mood_filter: 'happy' } }, 422)).toEqual(
      expectedErrors.validation('user_id', 'limit', 'mood_filter'),
    );
    expect(await stack.api.fail('listTopics', {}, 422)).toEqual(expectedErrors.validation('user_id'));
    expect(await stack.api.failRaw('createEntry', { body: { user_id: 'x', title: 5, content: 'abc', tags: ['ok', ''] } }, 422)).toEqual(
      expectedErrors.validation('user_id', 'title', 'tags.1'),
    );
    const idempotencyKey = 'k'.repeat(201);
    expect(
      await stack.api.fail('createSession', { body: { user_id: randomUUID(), session_type: 'free_chat' }, idempotencyKey }, 422),
    ).toEqual(expectedErrors.validation('idempotency-key'));
  });

  // Issue 16 row 9: the router refused these before any route ran, as 400 naming `request`. A path
  // parameter is a field like any other: 422 naming it.
  it(
    'a path parameter that is not valid percent-encoding, or too long → 422 naming the parameter',
    { meta: { level: 'strict', classes: [6] } },
    async () => {
      const { got: u } = await newUser(stack.api);
      for (const [route, raw, field] of [
        ['getEntry', '/api/v1/entries/%ED%A0%80', 'id'],
        ['getEntry', '/api/v1/entries/%C0%AF', 'id'],
        ['getEntry', '/api/v1/entries/%', 'id'],
        ['getUser', '/api/v1/users/%E0%A4%A', 'id'],
        ['history', '/api/v1/chat/conversation/%C0%AF/history', 'session_id'],
      ] as const) {
        const res = await fetch(`${stack.apiUrl}${raw}?user_id=${u.id}`);
        const bad = parseReply(route, res.status, res.headers.get('content-type') ?? '', await res.text(), {});
        expect(bad, raw).toMatchObject({ ok: false, status: 422 });
        expect(bad.body, raw).toEqual(expectedErrors.validation(field));
      }
      const long = await stack.api.call('getUser', { params: { id: 'a'.repeat(101) } });
      expect(long).toMatchObject({ ok: false, status: 422 });
      expect(long.body).toEqual(expectedErrors.validation('id'));
    },
  );

  // Issue 16 row 4: text/plain (what fetch sends for a string body) reached the route as a string and got
  // 422 "expected object, received string"; every type but JSON is one rule.
  it(
    'a body of any type but JSON → 415 naming content-type, text/plain included',
    { meta: { level: 'strict', needs: ['rows'] } },
    async () => {
      const { got: u } = await newUser(stack.api);
      const before = await rowCounts();
      const body = JSON.stringify({ user_id: u.id, message: 'a JSON body sent as text' });
      for (const type of [
        'text/plain;charset=UTF-8',
        'text/plain',
        'text/html',
        'application/x-www-form-urlencoded',
        'application/octet-stream',
        'multipart/form-data; boundary=x',
      ]) {
        expect(await stack.api.failRaw('chatMessage', { rawBody: body, headers: { 'content-type': type } }, 415), type).toEqual(
          expectedErrors.unsupportedMediaType(),
        );
      }
      expect(await rowCounts()).toEqual(before);
    },
  );

  // Issue 16 row 5: Number() read 0x10 as 16 and 1e1 as 10.
  it('query integers are decimal digits only: 0x10, 1e1, +10, " 10", 10.0 → 422 naming the field', { meta: { classes: [3] } }, async () => {
    const { got: u } = await newUser(stack.api);
    for (const days of ['0x10', '0b1010', '0o12', '1e1', '+10', ' 10', '10 ', '10.0', '', '1_0']) {
      expect(await stack.api.fail('writingAnalytics', { query: { user_id: u.id, days } }, 422), JSON.stringify(days)).toEqual(
        expectedErrors.validation('days'),
      );
    }
    expect(await stack.api.fail('listEntries', { query: { user_id: u.id, limit: '0x10' } }, 422)).toEqual(
      expectedErrors.validation('limit'),
    );
    expect(await stack.api.fail('listSessions', { query: { user_id: u.id, limit: '1e1' } }, 422)).toEqual(
      expectedErrors.validation('limit'),
    );
    expect((await stack.api.ok('writingAnalytics', { query: { user_id: u.id, days: '010' } })).period_days).toBe(10);
    expect((await stack.api.ok('writingAnalytics', { query: { user_id: u.id, days: '16' } })).period_days).toBe(16);
  });

  it('wrong types and missing fields → 422 naming each field', { meta: { classes: [3], needs: ['rows'] } }, async () => {
    const { got: u } = await newUser(stack.api);
    const before = await rowCounts();
    const v = expectedErrors.validation;
    const judged = await expectRefused([
      ['createEntry', { body: { user_id: u.id, title: 5, content: 'abc' } }, ['body', 'title', 5], v('title')],
      ['createEntry', { body: { user_id: u.id, title: 't', content: ' a  b ' } }, ['body', 'content', ' a  b '], v('content')],
      ['chatMessage', { body: { user_id: u.id, message: '' } }, ['body', 'message', ''], v('message')],
      ['chatMessage', { body: { user_id: u.id, message: 'x'.repeat(2001) } }, ['body', 'message', 'x'.repeat(2001)], v('message')],
      ['createTopic', { body: { user_id: u.id, name: 'n', color: 'blue' } }, ['body', 'color', 'blue'], v('color')],
    ]);
    expect
      .soft(await stack.api.failRaw('createEntry', { body: { user_id: u.id, title: 't' } }, 422).catch((e: Error) => e.message))
      .toEqual(v('content'));
    expect.soft(await stack.api.fail('createEntry', {}, 422).catch((e: Error) => e.message)).toEqual(expectedErrors.emptyBody());
    expect(await rowCounts()).toEqual(before);
    await judged.allowed();
  });

  it('unknown enum values → 422 naming the field', { meta: { classes: [3, 14] } }, async () => {
    const { got: u } = await newUser(stack.api);
    const v = expectedErrors.validation;
    const judged = await expectRefused([
      [
        'chatMessage',
        { body: { user_id: u.id, message: 'hi', session_type: 'therapy' } },
        ['body', 'session_type', 'therapy'],
        v('session_type'),
      ],
      [
        'chatMessage',
        { body: { user_id: u.id, message: 'hi', conversation_mode: 'x' } },
        ['body', 'conversation_mode', 'x'],
        v('conversation_mode'),
      ],
      [
        'createEntry',
        { body: { user_id: u.id, title: 't', content: 'abcd', entry_type: 'note' } },
        ['body', 'entry_type', 'note'],
        v('entry_type'),
      ],
      ['listEntries', { query: { user_id: u.id, mood_filter: 'happy' } }, ['query', 'mood_filter', 'happy'], v('mood_filter')],
    ]);
    await judged.allowed();
  });

  it('a missing user_id on analytics and lists → 422 naming user_id, in the one envelope', { meta: { classes: [1, 3] } }, async () => {
    for (const route of ['moodAnalytics', 'writingAnalytics', 'listEntries', 'listTopics', 'conversations'] as const) {
      // A route whose own document takes no user_id at all is not asked to require one (whose data it then
      // serves is judged by the identity tests); only "never a 5xx" holds there.
      if (!stack.api.declares(route, 'query', 'user_id')) {
        expect.soft((await stack.api.call(route, { query: { days: 30 } })).status, route).toBeLessThan(500);
        continue;
      }
      expect
        .soft(await stack.api.fail(route, { query: { days: 30 } }, 422).catch((e: Error) => e.message), route)
        .toEqual(expectedErrors.validation('user_id'));
    }
  });

  it(
    `a body above ${BODY_LIMIT_BYTES} bytes → 413; one of exactly that size is read (and validated)`,
    { meta: { level: 'strict' } },
    async () => {
      const { got: u } = await newUser(stack.api);
      const sized = (bytes: number) => {
        const head = `{"user_id":"${u.id}","title":"t","content":"`;
        const tail = '"}';
        return head + 'a'.repeat(bytes - head.length - tail.length) + tail;
      };
      expect(Buffer.byteLength(sized(BODY_LIMIT_BYTES))).toBe(256 * 1024);
      expect(await stack.api.failRaw('createEntry', { rawBody: sized(BODY_LIMIT_BYTES + 1) }, 413)).toEqual(
        expectedErrors.payloadTooLarge(),
      );
      // At the limit the body is parsed, and its content (over the content limit) is what is refused.
      expect(await stack.api.failRaw('createEntry', { rawBody: sized(BODY_LIMIT_BYTES) }, 422)).toEqual(
        expectedErrors.validation('content'),
      );
    },
  );

  it('analytics: days outside 7..365 and unknown time zones → 422', { meta: { classes: [18, 19] } }, async () => {
    const { got: u } = await newUser(stack.api);
    const judged = await expectRefused([
      ...[6, 366, 0, -1, 'abc', 7.5].map(
        (days): Refusal => [
          'moodAnalytics',
          { query: { user_id: u.id, days } },
          ['query', 'days', days],
          expectedErrors.validation('days'),
        ],
      ),
      [
        'writingAnalytics',
        { query: { user_id: u.id, tz: 'Mars/Olympus' } },
        ['query', 'tz', 'Mars/Olympus'],
        expectedErrors.validation('tz'),
      ],
    ]);
    await judged.allowed();
    if (stack.api.offers('createUser'))
      expect(await stack.api.fail('createUser', { body: { username: 'u', timezone: 'Nowhere/Town' } }, 422)).toEqual(
        expectedErrors.validation('timezone'),
      );
  });

  it('created_at in the future → 422 naming created_at', { meta: { classes: [8, 19] } }, async () => {
    const { got: u } = await newUser(stack.api);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const judged = await expectRefused([
      [
        'createEntry',
        { body: { user_id: u.id, title: 't', content: fixtures().entryText(), created_at: future } },
        ['body', 'created_at', future],
        expectedErrors.invalid('created_at', 'must not lie in the future'),
      ],
    ]);
    await judged.allowed();
  });

  it('topic_id of another user → 422 naming topic_id', { meta: { classes: [15] } }, async () => {
    const [{ got: a }, { got: b }] = [await newUser(stack.api), await newUser(stack.api)];
    const t = await stack.api.ok('createTopic', { body: { user_id: a.id, name: 'mine' } });
    expect(await stack.api.fail('createEntry', { body: { user_id: b.id, title: 't', content: 'abcd', topic_id: t.id } }, 422)).toEqual(
      expectedErrors.invalid('topic_id', 'must be a topic of this user'),
    );
  });

  it('unknown routes → 404 in the envelope naming method and path (without the query)', { meta: { level: 'strict' } }, async () => {
    for (const [method, path, named] of [
      ['GET', '/api/v1/nope?user_id=1&x=2', '/api/v1/nope'],
      ['DELETE', '/api/v1/nope/', '/api/v1/nope/'],
      ['PATCH', '/healthz', '/healthz'],
    ] as const) {
      const res = await fetch(`${stack.apiUrl}${path}`, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(ErrorEnvelope.parse(await res.json())).toEqual(expectedErrors.routeNotFound(method, named));
    }
  });

  it('a non-UUID Idempotency-Key reuse with another body → 409', { meta: { classes: [9] } }, async () => {
    const { got: u } = await newUser(stack.api);
    const key = randomUUID();
    await stack.api.ok('chatMessage', { body: { user_id: u.id, message: 'first' }, headers: { 'Idempotency-Key': key } });
    const e = await stack.api.fail(
      'chatMessage',
      { body: { user_id: u.id, message: 'different' }, headers: { 'Idempotency-Key': key } },
      409,
    );
    expect(e).toEqual(expectedErrors.idempotencyConflict());
  });
});
