import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectedErrors } from '../../helpers/errors.js';
import { useStack } from '../../helpers/stack.js';
import { createUser, fixtures } from '../../helpers/users.js';

const stack = useStack();

const rowCounts = () => stack.rows.counts();

describe('bad input gets a 4xx in the envelope naming what is wrong, and writes nothing', () => {
  it('malformed JSON → 400 invalid_json', { meta: { classes: [3], needs: ['rows'] } }, async () => {
    const before = await rowCounts();
    const e = await stack.api.fail('createEntry', { rawBody: '{"user_id": "x", ' }, 400);
    expect(e).toMatchObject(expectedErrors.invalidJson());
    expect(await rowCounts()).toEqual(before);
  });

  it('wrong types and missing fields → 422 naming each field', { meta: { classes: [3], needs: ['rows'] } }, async () => {
    const u = await createUser(stack.api);
    const before = await rowCounts();
    expect(await stack.api.fail('createEntry', { body: { user_id: u.id, title: 5, content: 'abc' } }, 422)).toEqual(
      expectedErrors.validation('title'),
    );
    expect(await stack.api.fail('createEntry', { body: { user_id: u.id, title: 't' } }, 422)).toEqual(expectedErrors.validation('content'));
    expect(await stack.api.fail('createEntry', { body: { user_id: u.id, title: 't', content: ' a  b ' } }, 422)).toEqual(
      expectedErrors.validation('content'),
    );
    expect(await stack.api.fail('chatMessage', { body: { user_id: u.id, message: '' } }, 422)).toEqual(
      expectedErrors.validation('message'),
    );
    expect(await stack.api.fail('chatMessage', { body: { user_id: u.id, message: 'x'.repeat(2001) } }, 422)).toEqual(
      expectedErrors.validation('message'),
    );
    expect(await stack.api.fail('createTopic', { body: { user_id: u.id, name: 'n', color: 'blue' } }, 422)).toEqual(
      expectedErrors.validation('color'),
    );
    expect(await stack.api.fail('createEntry', {}, 422)).toEqual(expectedErrors.emptyBody());
    expect(await rowCounts()).toEqual(before);
  });

  it('unknown enum values → 422 naming the field', { meta: { classes: [3, 14] } }, async () => {
    const u = await createUser(stack.api);
    expect(await stack.api.fail('chatMessage', { body: { user_id: u.id, message: 'hi', session_type: 'therapy' } }, 422)).toEqual(
      expectedErrors.validation('session_type'),
    );
    expect(await stack.api.fail('chatMessage', { body: { user_id: u.id, message: 'hi', conversation_mode: 'x' } }, 422)).toEqual(
      expectedErrors.validation('conversation_mode'),
    );
    expect(await stack.api.fail('createEntry', { body: { user_id: u.id, title: 't', content: 'abcd', entry_type: 'note' } }, 422)).toEqual(
      expectedErrors.validation('entry_type'),
    );
    expect(await stack.api.fail('listEntries', { query: { user_id: u.id, mood_filter: 'happy' } }, 422)).toEqual(
      expectedErrors.validation('mood_filter'),
    );
  });

  it('a missing user_id on analytics and lists → 422 naming user_id, in the one envelope', { meta: { classes: [1, 3] } }, async () => {
    for (const route of ['moodAnalytics', 'writingAnalytics', 'listEntries', 'listTopics', 'conversations'] as const) {
      expect(await stack.api.fail(route, { query: { days: 30 } }, 422), route).toEqual(expectedErrors.validation('user_id'));
    }
  });

  it('oversize bodies → 413', { meta: { level: 'strict' } }, async () => {
    const u = await createUser(stack.api);
    const e = await stack.api.fail('createEntry', { body: { user_id: u.id, title: 't', content: 'a '.repeat(200_000) } }, 413);
    expect(e.error).toBe('payload_too_large');
  });

  it('analytics: days outside 7..365 and unknown time zones → 422', { meta: { classes: [18, 19] } }, async () => {
    const u = await createUser(stack.api);
    for (const days of [6, 366, 0, -1, 'abc', 7.5]) {
      expect(await stack.api.fail('moodAnalytics', { query: { user_id: u.id, days } }, 422)).toEqual(expectedErrors.validation('days'));
    }
    expect(await stack.api.fail('writingAnalytics', { query: { user_id: u.id, tz: 'Mars/Olympus' } }, 422)).toEqual(
      expectedErrors.validation('tz'),
    );
    if (stack.api.offers('createUser'))
      expect(await stack.api.fail('createUser', { body: { username: 'u', timezone: 'Nowhere/Town' } }, 422)).toEqual(
        expectedErrors.validation('timezone'),
      );
  });

  it('created_at in the future → 422 naming created_at', { meta: { classes: [8, 19] } }, async () => {
    const u = await createUser(stack.api);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      await stack.api.fail(
        'createEntry',
        { body: { user_id: u.id, title: 't', content: fixtures().entryText(), created_at: future } },
        422,
      ),
    ).toEqual(expectedErrors.invalid('created_at', 'must not lie in the future'));
  });

  it('topic_id of another user → 422 naming topic_id', { meta: { classes: [15] } }, async () => {
    const [a, b] = [await createUser(stack.api), await createUser(stack.api)];
    const t = await stack.api.ok('createTopic', { body: { user_id: a.id, name: 'mine' } });
    expect(await stack.api.fail('createEntry', { body: { user_id: b.id, title: 't', content: 'abcd', topic_id: t.id } }, 422)).toEqual(
      expectedErrors.invalid('topic_id', 'must be a topic of this user'),
    );
  });

  it('unknown routes → 404 in the envelope', { meta: { level: 'strict' } }, async () => {
    const res = await fetch(`${stack.apiUrl}/api/v1/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: 'route_not_found',
      message: 'No route GET /api/v1/nope',
      details: [{ path: 'url', message: 'unknown route' }],
    });
  });

  it('a non-UUID Idempotency-Key reuse with another body → 409', { meta: { classes: [9] } }, async () => {
    const u = await createUser(stack.api);
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
