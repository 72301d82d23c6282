import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectedErrors } from '../../helpers/errors.js';
import { useStack } from '../../helpers/stack.js';
import { createUser, fixtures } from '../../helpers/users.js';
import { DEV_USER_ID, MOOD_TYPES } from '../../src/contract/enums.js';

const stack = useStack();

describe('every route answers in its contract shape', () => {
  it('health: liveness and readiness', { meta: { level: 'strict', classes: [12] } }, async () => {
    expect(await stack.api.ok('liveness')).toEqual({ status: 'ok' });
    const ready = await stack.api.ok('readiness', {}, 200);
    expect(ready.status).toBe('healthy');
    expect(ready.components.database.status).toBe('up');
    expect(ready.components.llm.status).toBe('up');
  });

  it(
    'users: create (201), read, duplicate id (409), unknown (404), dev user seeded by migration',
    { meta: { level: 'strict', classes: [1, 31] } },
    async () => {
      const u = await createUser(stack.api, { timezone: 'Europe/Berlin', language: 'de' });
      expect(u).toMatchObject({ timezone: 'Europe/Berlin', language: 'de' });
      expect(await stack.api.ok('getUser', { params: { id: u.id } })).toEqual(u);
      const dup = await stack.api.fail('createUser', { body: { id: u.id, username: 'again' } }, 409);
      expect(dup.error).toBe('user_exists');
      const missing = randomUUID();
      expect(await stack.api.fail('getUser', { params: { id: missing } }, 404)).toEqual(expectedErrors.userNotFound(missing, 'id'));
      expect((await stack.api.ok('getUser', { params: { id: DEV_USER_ID } })).id).toBe(DEV_USER_ID);
    },
  );

  it(
    'topics: 201 then 200 for the same name, true entry_count, soft delete',
    { meta: { level: 'strict', classes: [7, 25, 26] } },
    async () => {
      const u = await createUser(stack.api);
      const name = fixtures().topicName();
      const first = await stack.api.call('createTopic', { body: { user_id: u.id, name } });
      const again = await stack.api.call('createTopic', { body: { user_id: u.id, name } });
      expect([first.status, again.status]).toEqual([201, 200]);
      if (!first.ok || !again.ok) throw new Error('unreachable');
      expect(again.body.id).toBe(first.body.id);
      expect(first.body).toMatchObject({ user_id: u.id, color: '#3B82F6', entry_count: 0, last_entry_date: null });
      const at = '2026-01-15T08:30:00Z';
      await stack.api.ok(
        'createEntry',
        { body: { user_id: u.id, title: 't', content: fixtures().entryText(), topic_id: first.body.id, created_at: at } },
        201,
      );
      const withEntry = await stack.api.ok('getTopic', { params: { id: first.body.id }, query: { user_id: u.id } });
      expect(withEntry).toMatchObject({ entry_count: 1, last_entry_date: '2026-01-15T08:30:00.000Z' });
      expect((await stack.api.ok('listTopics', { query: { user_id: u.id } })).map((t) => t.id)).toEqual([first.body.id]);
      await stack.api.ok('deleteTopic', { params: { id: first.body.id }, query: { user_id: u.id } }, 204);
      expect(await stack.api.ok('listTopics', { query: { user_id: u.id } })).toEqual([]);
      expect(await stack.api.fail('getTopic', { params: { id: first.body.id }, query: { user_id: u.id } }, 404)).toEqual(
        expectedErrors.topicNotFound(first.body.id),
      );
    },
  );

  it(
    'entries: create with created_at, list newest first, get, update re-analyses, delete hides',
    { meta: { level: 'strict', classes: [8, 17, 25, 28] } },
    async () => {
      const u = await createUser(stack.api);
      const older = await stack.api.ok(
        'createEntry',
        { body: { user_id: u.id, title: 'older', content: fixtures().entryText('en'), created_at: '2026-02-01T10:00:00' } },
        201,
      );
      const newer = await stack.api.ok(
        'createEntry',
        { body: { user_id: u.id, title: 'newer', content: fixtures().entryText('de'), created_at: '2026-03-01T10:00:00+01:00' } },
        201,
      );
      // A naive timestamp is read as UTC; an offset is honoured.
      expect(older.created_at).toBe('2026-02-01T10:00:00.000Z');
      expect(newer.created_at).toBe('2026-03-01T09:00:00.000Z');
      expect(newer.emotion_analysis?.language).toBe('de');
      expect(older.word_count).toBe(older.content.trim().split(/\s+/).length);
      expect(older.reading_time_minutes).toBe(Math.max(1, Math.floor(older.word_count / 200)));
      const list = await stack.api.ok('listEntries', { query: { user_id: u.id } });
      expect(list.map((e) => e.id)).toEqual([newer.id, older.id]);
      expect((await stack.api.ok('listEntries', { query: { user_id: u.id, date_from: '2026-02-02' } })).map((e) => e.id)).toEqual([
        newer.id,
      ]);
      expect((await stack.api.ok('listEntries', { query: { user_id: u.id, date_to: '2026-02-01' } })).map((e) => e.id)).toEqual([older.id]);
      expect((await stack.api.ok('listEntries', { query: { user_id: u.id, limit: 1, skip: 1 } })).map((e) => e.id)).toEqual([older.id]);
      expect(await stack.api.ok('getEntry', { params: { id: older.id }, query: { user_id: u.id } })).toEqual(older);
      const updated = await stack.api.ok('updateEntry', {
        params: { id: older.id },
        query: { user_id: u.id },
        body: { content: 'Ich bin heute sehr glücklich und dankbar.', is_favorite: true },
      });
      expect(updated).toMatchObject({ version: 2, is_favorite: true });
      expect(updated.emotion_analysis?.language).toBe('de');
      await stack.api.ok('deleteEntry', { params: { id: older.id }, query: { user_id: u.id } }, 204);
      expect((await stack.api.ok('listEntries', { query: { user_id: u.id } })).map((e) => e.id)).toEqual([newer.id]);
      expect(await stack.api.fail('getEntry', { params: { id: older.id }, query: { user_id: u.id } }, 404)).toEqual(
        expectedErrors.entryNotFound(older.id),
      );
    },
  );

  it('entries: sentiment_score is a polarity and mood follows it', { meta: { classes: [21, 22] } }, async () => {
    const u = await createUser(stack.api);
    const e = await stack.api.ok('createEntry', { body: { user_id: u.id, title: 'x', content: fixtures().entryText('en', 4) } }, 201);
    expect(e.sentiment_score).toBe(e.emotion_analysis!.sentiment_polarity);
    const p = e.sentiment_score!;
    const expected = p >= 0.6 ? 'very_positive' : p >= 0.2 ? 'positive' : p > -0.2 ? 'neutral' : p > -0.6 ? 'negative' : 'very_negative';
    expect(e.mood).toBe(expected);
    expect(MOOD_TYPES).toContain(e.mood);
  });

  it('analytics: mood and writing answer with all moods present', { meta: { classes: [24] } }, async () => {
    const u = await createUser(stack.api);
    const mood = await stack.api.ok('moodAnalytics', { query: { user_id: u.id, days: 7 } });
    expect(Object.keys(mood.mood_distribution).sort()).toEqual([...MOOD_TYPES].sort());
    expect(mood.daily_trends).toHaveLength(7);
    const writing = await stack.api.ok('writingAnalytics', { query: { user_id: u.id } });
    expect(writing).toMatchObject({ period_days: 30, total_entries: 0, streak_info: { current_streak: 0, longest_streak: 0 } });
  });

  it(
    'chat: message, conversations, history, start, end, modes, styles, stats, health',
    { meta: { level: 'strict', classes: [11, 12, 14, 29] } },
    async () => {
      const u = await createUser(stack.api);
      const first = await stack.api.ok('chatMessage', {
        body: { user_id: u.id, message: 'I had a long day at work.', session_type: 'inner_voice' },
      });
      expect(first.conversation_stage).toBe('opening');
      expect(first.processing_metadata).toMatchObject({ fallback_response: false, turn_count: 1, session_type: 'inner_voice' });
      const second = await stack.api.ok('chatMessage', {
        body: { user_id: u.id, session_id: first.session_id, message: 'And I could not sleep.' },
      });
      expect(second.session_id).toBe(first.session_id);
      expect(second.processing_metadata.turn_count).toBe(2);
      expect(second.conversation_stage).toBe('exploration');
      const convs = await stack.api.ok('conversations', { query: { user_id: u.id } });
      expect(convs).toMatchObject({ total_count: 1, user_id: u.id });
      expect(convs.conversations[0]).toMatchObject({
        id: first.session_id,
        session_type: 'inner_voice',
        message_count: 4,
        status: 'active',
      });
      const hist = await stack.api.ok('history', { params: { session_id: first.session_id }, query: { user_id: u.id } });
      expect(hist.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
      expect(hist.messages.map((m) => m.content)).toEqual([
        'I had a long day at work.',
        first.content,
        'And I could not sleep.',
        second.content,
      ]);
      const started = await stack.api.ok('startConversation', { body: { user_id: u.id, conversation_mode: 'goal_setting' } }, 201);
      expect(started).toMatchObject({ session_type: 'growth_challenge', status: 'active', conversation_stage: 'opening' });
      const ended = await stack.api.ok('endConversation', { params: { session_id: first.session_id }, query: { user_id: u.id } });
      expect(ended).toMatchObject({ status: 'completed', message_count: 4 });
      expect((await stack.api.ok('modes')).modes).toHaveLength(8);
      expect((await stack.api.ok('styles')).styles).toHaveLength(7);
      const stats = await stack.api.ok('chatStats', { query: { user_id: u.id } });
      expect(stats.service_stats).toMatchObject({ total_conversations: 2, messages_processed: 2 });
      const health = await stack.api.ok('chatHealth', {}, 200);
      expect(health).toMatchObject({ status: 'healthy', database_available: true, llm_service_available: true });
      expect(health).not.toHaveProperty('service_uptime');
    },
  );

  it(
    'sessions: create, list, get, messages, post message, export json + markdown, delete',
    { meta: { level: 'strict', classes: [7, 25] } },
    async () => {
      const u = await createUser(stack.api);
      const s = await stack.api.ok('createSession', { body: { user_id: u.id, session_type: 'pattern_detective', title: 'Patterns' } }, 201);
      expect(s).toMatchObject({
        user_id: u.id,
        session_type: 'pattern_detective',
        status: 'active',
        message_count: 0,
        recent_messages: [],
      });
      const posted = await stack.api.ok(
        'postSessionMessage',
        { params: { id: s.id }, body: { user_id: u.id, content: 'I always procrastinate on Mondays.' } },
        201,
      );
      expect(posted.user_message).toMatchObject({ role: 'user', sequence: 1 });
      expect(posted.assistant_message).toMatchObject({ role: 'assistant', sequence: 2 });
      expect((await stack.api.ok('listSessions', { query: { user_id: u.id } })).map((x) => x.id)).toEqual([s.id]);
      const got = await stack.api.ok('getSession', { params: { id: s.id }, query: { user_id: u.id } });
      expect(got.message_count).toBe(2);
      const msgs = await stack.api.ok('sessionMessages', { params: { id: s.id }, query: { user_id: u.id } });
      expect(msgs.map((m) => m.sequence)).toEqual([1, 2]);
      const json = await stack.api.ok('exportSession', { params: { id: s.id }, query: { user_id: u.id } });
      expect(typeof json === 'object' && json.messages.length).toBe(2);
      const md = await stack.api.ok('exportSession', { params: { id: s.id }, query: { user_id: u.id, format: 'markdown' } });
      expect(typeof md === 'string' && md.startsWith('# Patterns')).toBe(true);
      await stack.api.ok('deleteSession', { params: { id: s.id }, query: { user_id: u.id } }, 204);
      expect(await stack.api.fail('getSession', { params: { id: s.id }, query: { user_id: u.id } }, 404)).toEqual(
        expectedErrors.sessionNotFound(s.id),
      );
      expect(await stack.api.fail('history', { params: { session_id: s.id }, query: { user_id: u.id } }, 404)).toEqual(
        expectedErrors.sessionNotFound(s.id, 'session_id'),
      );
    },
  );

  it('collection routes answer with and without a trailing slash, without redirects', { meta: { level: 'strict' } }, async () => {
    const u = await createUser(stack.api);
    for (const path of ['/api/v1/topics', '/api/v1/topics/']) {
      const res = await fetch(`${stack.apiUrl}${path}?user_id=${u.id}`, { redirect: 'manual' });
      expect(res.status).toBe(200);
    }
  });
});
