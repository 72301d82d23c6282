import { z } from 'zod';
import { ErrorEnvelope } from './errors.js';
import { IdParams, UserIdQuery } from './common.js';
import { CreateUserBody, User } from './users.js';
import { CreateTopicBody, Topic, TopicList } from './topics.js';
import { CLIENT_TIME_RULE, CreateEntryBody, Entry, EntryList, ListEntriesQuery, UpdateEntryBody } from './entries.js';
import { AnalyticsQuery, MoodAnalytics, WritingAnalytics } from './analytics.js';
import {
  ChatHealth,
  ChatMessageBody,
  ChatResponse,
  ChatStats,
  ConversationsQuery,
  ConversationsResponse,
  EndConversationResponse,
  HistoryQuery,
  HistoryResponse,
  IdempotencyHeaders,
  ModesResponse,
  SessionIdParams,
  StartConversationBody,
  StartConversationResponse,
  StatsQuery,
  StylesResponse,
} from './chat.js';
import {
  CreateSessionBody,
  ExportQuery,
  ListSessionsQuery,
  PostSessionMessageBody,
  PostSessionMessageResponse,
  Session,
  SessionExport,
  SessionList,
  SessionMessageList,
  SessionMessagesQuery,
} from './sessions.js';
import { Liveness, Readiness } from './health.js';

export const API_PREFIX = '/api/v1';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export interface RouteSpec {
  readonly operationId: string;
  readonly method: Method;
  /** OpenAPI-style path with {param} placeholders. */
  readonly path: string;
  readonly summary: string;
  readonly params?: z.ZodObject;
  readonly querystring?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly headers?: z.ZodObject;
  /** Success status → schema. Error statuses share the one envelope. */
  readonly success: Readonly<Record<number, z.ZodType>>;
  /** Error statuses this route can answer with (all with ErrorEnvelope). */
  readonly errors: readonly number[];
  /** A success answered in several content types: status → content type → schema (the document's view). */
  readonly media?: Readonly<Record<number, Readonly<Record<string, z.ZodType>>>>;
  /** Rules of this route its schemas cannot state (cross-field, time, other rows): the operation's description. */
  readonly describe?: readonly string[];
}

/** A 204: no body and no content type (the document declares no content). */
export const NO_CONTENT = z.null();
const NoContent = NO_CONTENT;
const v = (p: string) => `${API_PREFIX}${p}`;
// Every route can meet bad input, a missing user and a database outage.
const E = [400, 404, 413, 415, 422, 503] as const;

function route<const R extends RouteSpec>(r: R): R {
  return r;
}

export const routes = {
  liveness: route({
    operationId: 'liveness',
    method: 'GET',
    path: '/health',
    summary: 'Process liveness',
    success: { 200: Liveness },
    errors: [],
  }),
  readiness: route({
    operationId: 'readiness',
    method: 'GET',
    path: v('/health/'),
    summary: 'Readiness from real probes',
    success: { 200: Readiness, 503: Readiness },
    errors: [],
  }),
  openapi: route({
    operationId: 'openapi',
    method: 'GET',
    path: v('/openapi.json'),
    summary: 'This document',
    success: { 200: z.record(z.string(), z.unknown()) },
    errors: [],
  }),

  createUser: route({
    operationId: 'createUser',
    method: 'POST',
    path: v('/users/'),
    summary: 'Create a user',
    body: CreateUserBody,
    success: { 201: User },
    errors: [...E, 409],
  }),
  getUser: route({
    operationId: 'getUser',
    method: 'GET',
    path: v('/users/{id}'),
    summary: 'Read a user',
    params: IdParams,
    success: { 200: User },
    errors: E,
  }),

  createTopic: route({
    operationId: 'createTopic',
    method: 'POST',
    path: v('/topics/'),
    summary: 'Create a topic (idempotent per user and name)',
    body: CreateTopicBody,
    success: { 200: Topic, 201: Topic },
    errors: E,
  }),
  listTopics: route({
    operationId: 'listTopics',
    method: 'GET',
    path: v('/topics/'),
    summary: "List a user's topics",
    querystring: UserIdQuery,
    success: { 200: TopicList },
    errors: E,
  }),
  getTopic: route({
    operationId: 'getTopic',
    method: 'GET',
    path: v('/topics/{id}'),
    summary: 'Read a topic',
    params: IdParams,
    querystring: UserIdQuery,
    success: { 200: Topic },
    errors: E,
  }),
  deleteTopic: route({
    operationId: 'deleteTopic',
    method: 'DELETE',
    path: v('/topics/{id}'),
    summary: 'Soft-delete a topic',
    params: IdParams,
    querystring: UserIdQuery,
    success: { 204: NoContent },
    errors: E,
  }),

  createEntry: route({
    operationId: 'createEntry',
    method: 'POST',
    path: v('/entries/'),
    summary: 'Create a journal entry',
    headers: IdempotencyHeaders,
    body: CreateEntryBody,
    success: { 201: Entry },
    describe: [`created_at: ${CLIENT_TIME_RULE}`, "`topic_id` must be one of the same user's topics (422 naming it)."],
    errors: [...E, 409],
  }),
  listEntries: route({
    operationId: 'listEntries',
    method: 'GET',
    path: v('/entries/'),
    summary: "List a user's entries, newest first",
    querystring: ListEntriesQuery,
    success: { 200: EntryList },
    errors: E,
  }),
  moodAnalytics: route({
    operationId: 'moodAnalytics',
    method: 'GET',
    path: v('/entries/analytics/mood'),
    summary: 'Mood analytics over calendar days',
    querystring: AnalyticsQuery,
    success: { 200: MoodAnalytics },
    errors: E,
  }),
  writingAnalytics: route({
    operationId: 'writingAnalytics',
    method: 'GET',
    path: v('/entries/analytics/writing'),
    summary: 'Writing analytics over calendar days',
    querystring: AnalyticsQuery,
    success: { 200: WritingAnalytics },
    errors: E,
  }),
  getEntry: route({
    operationId: 'getEntry',
    method: 'GET',
    path: v('/entries/{id}'),
    summary: 'Read an entry',
    params: IdParams,
    querystring: UserIdQuery,
    success: { 200: Entry },
    errors: E,
  }),
  updateEntry: route({
    operationId: 'updateEntry',
    method: 'PUT',
    path: v('/entries/{id}'),
    summary: 'Update an entry',
    params: IdParams,
    querystring: UserIdQuery,
    body: UpdateEntryBody,
    success: { 200: Entry },
    describe: [
      'At least one field with a value: null means absent, except on `topic_id`, where it takes the entry out of its topic.',
      "`topic_id` must be one of the same user's topics (422 naming it).",
    ],
    errors: E,
  }),
  deleteEntry: route({
    operationId: 'deleteEntry',
    method: 'DELETE',
    path: v('/entries/{id}'),
    summary: 'Soft-delete an entry',
    params: IdParams,
    querystring: UserIdQuery,
    success: { 204: NoContent },
    errors: E,
  }),

  chatMessage: route({
    operationId: 'chatMessage',
    method: 'POST',
    path: v('/chat/message'),
    summary: 'One user turn and its persisted reply',
    headers: IdempotencyHeaders,
    body: ChatMessageBody,
    success: { 200: ChatResponse },
    describe: [
      `context_metadata.timestamp: ${CLIENT_TIME_RULE}`,
      "A `session_id` must be one of the same user's sessions (404 otherwise).",
    ],
    errors: [...E, 409],
  }),
  conversations: route({
    operationId: 'conversations',
    method: 'GET',
    path: v('/chat/conversations'),
    summary: "A user's conversations",
    querystring: ConversationsQuery,
    success: { 200: ConversationsResponse },
    errors: E,
  }),
  history: route({
    operationId: 'history',
    method: 'GET',
    path: v('/chat/conversation/{session_id}/history'),
    summary: 'Messages of a conversation in order',
    params: SessionIdParams,
    querystring: HistoryQuery,
    success: { 200: HistoryResponse },
    errors: E,
  }),
  startConversation: route({
    operationId: 'startConversation',
    method: 'POST',
    path: v('/chat/conversation/start'),
    summary: 'Start a persisted conversation',
    body: StartConversationBody,
    success: { 201: StartConversationResponse },
    errors: E,
  }),
  endConversation: route({
    operationId: 'endConversation',
    method: 'POST',
    path: v('/chat/conversation/{session_id}/end'),
    summary: 'End a conversation',
    params: SessionIdParams,
    querystring: UserIdQuery,
    success: { 200: EndConversationResponse },
    errors: E,
  }),
  modes: route({
    operationId: 'modes',
    method: 'GET',
    path: v('/chat/modes'),
    summary: 'Conversation modes',
    success: { 200: ModesResponse },
    errors: [],
  }),
  styles: route({
    operationId: 'styles',
    method: 'GET',
    path: v('/chat/styles'),
    summary: 'Response styles',
    success: { 200: StylesResponse },
    errors: [],
  }),
  chatStats: route({
    operationId: 'chatStats',
    method: 'GET',
    path: v('/chat/stats'),
    summary: 'Counters derived from the database',
    querystring: StatsQuery,
    success: { 200: ChatStats },
    errors: E,
  }),
  chatHealth: route({
    operationId: 'chatHealth',
    method: 'GET',
    path: v('/chat/health'),
    summary: 'Chat health from real probes',
    success: { 200: ChatHealth, 503: ChatHealth },
    errors: [],
  }),

  createSession: route({
    operationId: 'createSession',
    method: 'POST',
    path: v('/sessions/'),
    summary: 'Create a session',
    headers: IdempotencyHeaders,
    body: CreateSessionBody,
    success: { 201: Session },
    errors: [...E, 409],
  }),
  listSessions: route({
    operationId: 'listSessions',
    method: 'GET',
    path: v('/sessions/'),
    summary: "A user's sessions, newest activity first",
    querystring: ListSessionsQuery,
    success: { 200: SessionList },
    errors: E,
  }),
  getSession: route({
    operationId: 'getSession',
    method: 'GET',
    path: v('/sessions/{id}'),
    summary: 'Read a session',
    params: IdParams,
    querystring: UserIdQuery,
    success: { 200: Session },
    errors: E,
  }),
  sessionMessages: route({
    operationId: 'sessionMessages',
    method: 'GET',
    path: v('/sessions/{id}/messages'),
    summary: 'Messages of a session in order',
    params: IdParams,
    querystring: SessionMessagesQuery,
    success: { 200: SessionMessageList },
    errors: E,
  }),
  postSessionMessage: route({
    operationId: 'postSessionMessage',
    method: 'POST',
    path: v('/sessions/{id}/messages'),
    summary: 'Store a turn and the reply',
    params: IdParams,
    headers: IdempotencyHeaders,
    body: PostSessionMessageBody,
    success: { 201: PostSessionMessageResponse },
    errors: [...E, 409],
  }),
  deleteSession: route({
    operationId: 'deleteSession',
    method: 'DELETE',
    path: v('/sessions/{id}'),
    summary: 'Soft-delete a session',
    params: IdParams,
    querystring: UserIdQuery,
    success: { 204: NoContent },
    errors: E,
  }),
  exportSession: route({
    operationId: 'exportSession',
    method: 'GET',
    path: v('/sessions/{id}/export'),
    summary: 'The whole conversation as JSON or Markdown',
    params: IdParams,
    querystring: ExportQuery,
    success: { 200: z.union([SessionExport, z.string()]) },
    media: { 200: { 'application/json': SessionExport, 'text/markdown': z.string() } },
    errors: E,
  }),
} as const;

export type RouteId = keyof typeof routes;
export const routeList: readonly RouteSpec[] = Object.values(routes);
export { ErrorEnvelope };

/** Fastify path syntax for an OpenAPI path. */
export function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
