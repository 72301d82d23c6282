import { randomUUID } from 'node:crypto';
import type { ChatResponse, Entry, HistoryResponse, Session, Topic, User } from '../../contract/index.js';

/**
 * An in-memory stand-in for the journaling API, only the routes the population CLI uses, answering in
 * the contract's shapes (the client validates every answer, so a shape slip here fails the tests).
 * Unit tests use it to count writes and inject failures without a stack.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: Record<string, unknown> | undefined;
}

export type Fault = (req: RecordedRequest) => Response | 'network' | undefined;

interface StoredMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  timestamp: string;
}

interface StoredSession {
  session: Omit<Session, 'recent_messages'>;
  messages: StoredMessage[];
}

const now = () => new Date().toISOString();
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const error = (status: number, code: string, message: string, details: { path: string; message: string }[] = []) =>
  json(status, { error: code, message, details });

export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  readonly users = new Map<string, User>();
  readonly topics: Topic[] = [];
  readonly entries: Entry[] = [];
  readonly sessions = new Map<string, StoredSession>();
  private readonly idempotent = new Map<string, { hash: string; response: ChatResponse }>();
  private faults: Fault[] = [];

  constructor(readonly base = 'http://fake.test/api/v1') {}

  addUser(id: string, timezone = 'UTC'): User {
    const user: User = { id, username: `u-${id.slice(0, 8)}`, display_name: null, timezone, language: 'en', created_at: now() };
    this.users.set(id, user);
    return user;
  }

  /** Faults are asked first, in order; the first that answers wins. */
  use(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  reset(): void {
    this.faults = [];
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const text = typeof init?.body === 'string' ? init.body : undefined;
    const req: RecordedRequest = {
      method: init?.method ?? 'GET',
      path: url.pathname.replace(new URL(this.base).pathname, ''),
      query: url.searchParams,
      headers: new Headers(init?.headers),
      body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    };
    this.requests.push(req);
    for (const fault of this.faults) {
      const answer = fault(req);
      if (answer === 'network') throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      if (answer) return answer;
    }
    return this.route(req);
  };

  private route(req: RecordedRequest): Response {
    const { method, path } = req;
    const userId = (req.body?.user_id as string | undefined) ?? req.query.get('user_id') ?? '';
    let m: RegExpMatchArray | null;
    if (method === 'GET' && (m = path.match(/^\/users\/([^/]+)$/))) {
      const user = this.users.get(m[1]!);
      return user ? json(200, user) : error(404, 'user_not_found', 'no such user', [{ path: 'id', message: 'not found' }]);
    }
    if (method === 'POST' && path === '/users/') {
      const user = this.addUser(randomUUID(), (req.body?.timezone as string) ?? 'UTC');
      return json(201, user);
    }
    if (!this.users.has(userId)) return error(404, 'user_not_found', 'no such user', [{ path: 'user_id', message: 'not found' }]);
    if (method === 'POST' && path === '/topics/') return this.createTopic(userId, req.body!);
    if (method === 'POST' && path === '/entries/') return this.createEntry(userId, req.body!);
    if (method === 'GET' && path === '/entries/') {
      const topicId = req.query.get('topic_id');
      return json(
        200,
        this.entries.filter((e) => e.user_id === userId && (!topicId || e.topic_id === topicId)),
      );
    }
    if (method === 'GET' && (m = path.match(/^\/entries\/([^/]+)$/))) {
      const entry = this.entries.find((e) => e.id === m![1] && e.user_id === userId);
      return entry ? json(200, entry) : error(404, 'entry_not_found', 'no such entry');
    }
    if (method === 'GET' && path === '/sessions/') {
      const list = [...this.sessions.values()]
        .filter((s) => s.session.user_id === userId)
        .filter((s) => !req.query.get('theme') || s.session.metadata.theme === req.query.get('theme'))
        .filter((s) => !req.query.get('session_type') || s.session.session_type === req.query.get('session_type'))
        .map((s) => ({ ...s.session, recent_messages: [] }));
      return json(200, list);
    }
    if (method === 'POST' && path === '/chat/message') return this.chatMessage(userId, req);
    if (method === 'GET' && (m = path.match(/^\/chat\/conversation\/([^/]+)\/history$/))) {
      const s = this.sessions.get(m[1]!);
      if (!s || s.session.user_id !== userId) return error(404, 'session_not_found', 'no such session');
      const body: HistoryResponse = {
        session_id: s.session.id,
        message_count: s.messages.length,
        messages: s.messages.map((x) => ({ id: x.id, role: x.role, content: x.content, timestamp: x.timestamp, metadata: {} })),
        retrieved_at: now(),
      };
      return json(200, body);
    }
    return error(404, 'route_not_found', `${method} ${path}`);
  }

  private createTopic(userId: string, body: Record<string, unknown>): Response {
    const existing = this.topics.find((t) => t.user_id === userId && t.name === body.name);
    if (existing) return json(200, existing);
    const t: Topic = {
      id: randomUUID(),
      user_id: userId,
      name: String(body.name),
      description: (body.description as string) ?? null,
      color: (body.color as string) ?? '#3B82F6',
      tags: (body.tags as string[]) ?? [],
      entry_count: 0,
      last_entry_date: null,
      created_at: now(),
      updated_at: now(),
    };
    this.topics.push(t);
    return json(201, t);
  }

  private createEntry(userId: string, body: Record<string, unknown>): Response {
    const at = new Date(String(body.created_at ?? now())).toISOString();
    const content = String(body.content);
    const e: Entry = {
      id: randomUUID(),
      user_id: userId,
      title: String(body.title),
      content,
      entry_type: 'journal',
      topic_id: (body.topic_id as string) ?? null,
      tags: [],
      auto_tags: [],
      template_id: null,
      created_at: at,
      updated_at: at,
      word_count: content.split(/\s+/).length,
      reading_time_minutes: 1,
      mood: null,
      sentiment_score: null,
      emotion_analysis: null,
      is_favorite: false,
      version: 1,
    };
    this.entries.push(e);
    return json(201, e);
  }

  private chatMessage(userId: string, req: RecordedRequest): Response {
    const body = req.body!;
    const key = req.headers.get('idempotency-key');
    const hash = JSON.stringify(body);
    if (key) {
      const prior = this.idempotent.get(`${userId}:${key}`);
      if (prior && prior.hash !== hash)
        return error(409, 'idempotency_conflict', 'key reused', [{ path: 'idempotency-key', message: 'reused with a different body' }]);
      if (prior) return json(200, prior.response);
    }
    let stored: StoredSession | undefined;
    if (body.session_id) {
      stored = this.sessions.get(String(body.session_id));
      if (!stored || stored.session.user_id !== userId)
        return error(404, 'session_not_found', 'no such session', [{ path: 'session_id', message: 'not found' }]);
    } else {
      const ctx = (body.context_metadata ?? {}) as Record<string, unknown>;
      const id = randomUUID();
      const t = String(ctx.timestamp ?? now());
      stored = {
        session: {
          id,
          user_id: userId,
          session_type: (body.session_type as Session['session_type']) ?? 'free_chat',
          title: null,
          description: null,
          status: 'active',
          created_at: t,
          updated_at: t,
          last_activity: t,
          message_count: 0,
          tags: [],
          metadata: { theme: ctx.theme },
        },
        messages: [],
      };
      this.sessions.set(id, stored);
    }
    const at = String((body.context_metadata as Record<string, unknown> | undefined)?.timestamp ?? now());
    const user: StoredMessage = { id: randomUUID(), role: 'user', content: String(body.message), timestamp: new Date(at).toISOString() };
    const reply: StoredMessage = {
      id: randomUUID(),
      role: 'assistant',
      content: 'Thank you for sharing that.',
      timestamp: new Date(new Date(at).getTime() + 1).toISOString(),
    };
    stored.messages.push(user, reply);
    stored.session.message_count = stored.messages.length;
    const turn = stored.messages.length / 2;
    const response: ChatResponse = {
      message_id: reply.id,
      session_id: stored.session.id,
      content: reply.content,
      response_style: 'empathetic',
      conversation_stage: turn <= 1 ? 'opening' : 'exploration',
      therapeutic_techniques: [],
      follow_up_suggestions: [],
      emotional_support_level: 'moderate',
      crisis_indicators: [],
      next_recommended_topics: [],
      confidence_score: 0.5,
      processing_metadata: {
        fallback_response: false,
        model: 'fake',
        turn_count: turn,
        session_type: stored.session.session_type,
        conversation_mode: (body.conversation_mode as ChatResponse['processing_metadata']['conversation_mode']) ?? 'supportive_listening',
        language: 'en',
        user_message_id: user.id,
        processing_time_ms: 1,
      },
      timestamp: reply.timestamp,
    };
    if (key) this.idempotent.set(`${userId}:${key}`, { hash, response });
    return json(200, response);
  }
}

/** Fails the first `times` requests that `match` with the given answer, then lets them through. */
export function failTimes(times: number, match: (r: RecordedRequest) => boolean, answer: () => Response | 'network'): Fault {
  let left = times;
  return (r) => {
    if (left <= 0 || !match(r)) return undefined;
    left--;
    return answer();
  };
}

export const serverError = () => error(503, 'database_unavailable', 'the database is unavailable');
export const badRequest = (path: string) => error(422, 'validation_error', 'invalid request', [{ path, message: 'invalid' }]);
