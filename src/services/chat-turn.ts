import type { Kysely } from 'kysely';
import type { ConversationMode, Language, ResponseStyle, SessionType } from '../contract/enums.js';
import type { ReplyResult as AiReply } from '../ai/gateway.js';
import { appendTurn, findSessionWithHistory, type HistoryMessage, type NewMessage, type TurnTarget } from '../db/queries/chat.js';
import type { Database, MessageRow, SessionRow } from '../db/schema.js';
import { analyzeWithLexicon } from '../domain/lexicon.js';
import type { ServiceDeps } from './deps.js';
import { invalidField, notFound } from './errors.js';
import { replayed, writeOnce } from './idempotency.js';
import { requireUser } from './users.js';

const CLOCK_SKEW_MS = 60_000;
const HISTORY_FOR_MODEL = 20;

export type KnownSession = SessionRow & { history: HistoryMessage[] };

/** How many earlier messages the model sees. */
export const historyLimit = (role: TurnInput['role']) => (role === 'user' ? HISTORY_FOR_MODEL : 0);

/**
 * The user's live session with the history the model needs, in one query. A miss is a 404: user_not_found
 * when the user does not exist (only then is the user looked up: a found session proves its owner exists,
 * the foreign key guarantees it), else session_not_found.
 */
export async function loadSession(
  deps: ServiceDeps,
  userId: string,
  sessionId: string,
  path: string,
  role: TurnInput['role'],
): Promise<KnownSession> {
  const s = await findSessionWithHistory(deps.db, userId, sessionId, historyLimit(role));
  if (s) return s;
  await requireUser(deps, userId);
  throw notFound('session_not_found', path, sessionId);
}

export interface TurnInput {
  userId: string;
  /** An existing session of this user, or undefined to open a new one. */
  sessionId?: string;
  /** That session, already loaded with loadSession by the caller. */
  session?: KnownSession;
  sessionIdPath: string;
  newSession: { session_type: SessionType; conversation_mode: ConversationMode; title: string | null; metadata: Record<string, unknown> };
  message: string;
  role: 'user' | 'assistant' | 'system';
  mode: ConversationMode;
  style: ResponseStyle;
  language: Language;
  /** Historical time of the turn (context_metadata.timestamp); defaults to now. */
  at?: Date;
  userMetadata: Record<string, unknown>;
  idempotency?: { scope: string; key: string; body: unknown };
}

export interface TurnResult {
  session: SessionRow;
  userMessage: MessageRow;
  assistantMessage: MessageRow | null;
  reply: AiReply | null;
  turn: number;
  processingMs: number;
}

/**
 * One turn: the model is asked outside any transaction, then the session, the user message and the reply
 * are written by ONE statement (one transaction) before anything is answered. A failed write is an error,
 * never a 200. Round trips without an idempotency key: two (the session with its history, or the user for a
 * new session; then the write).
 */
export async function recordTurn<R>(deps: ServiceDeps, input: TurnInput, respond: (t: TurnResult) => R): Promise<R> {
  const idem = input.idempotency && { userId: input.userId, ...input.idempotency };
  const prior = await replayed<R>(deps, idem);
  if (prior !== undefined) return prior;

  const existing =
    input.session ??
    (input.sessionId ? await loadSession(deps, input.userId, input.sessionId, input.sessionIdPath, input.role) : undefined);

  const now = deps.now();
  const at = input.at ?? now;
  if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) throw invalidField('context_metadata.timestamp', 'must not lie in the future');

  const started = Date.now();
  let reply: AiReply | null = null;
  if (input.role === 'user') {
    reply = await deps.ai.reply({
      message: input.message,
      history: (existing?.history ?? []).map((m) => ({ role: m.role as 'user' | 'assistant' | 'system', content: m.content })),
      language: input.language,
      sessionType: existing?.session_type ?? input.newSession.session_type,
      style: input.style,
      mode: input.mode,
    });
  }
  // Strictly after the user turn even when both fall in one millisecond or the turn is historical.
  const replyAt = new Date(Math.max(at.getTime() + 1, input.at ? 0 : deps.now().getTime()));
  const processingMs = Date.now() - started;

  const sentiment = input.role === 'user' ? analyzeWithLexicon(input.message, input.language).polarity : null;
  const messages: NewMessage[] = [
    {
      role: input.role,
      content: input.message,
      metadata: input.userMetadata,
      is_fallback: false,
      sentiment_polarity: sentiment,
      crisis: false,
      created_at: at,
    },
    ...(reply
      ? [
          {
            role: 'assistant',
            content: reply.content,
            metadata: {
              model: reply.model,
              fallback: reply.fallback,
              therapeutic_techniques: reply.techniques,
              follow_up_suggestions: reply.follow_ups,
              crisis_indicators: reply.crisis_indicators,
              confidence: reply.confidence,
              response_style: input.style,
              ...(reply.error ? { error: reply.error } : {}),
            },
            is_fallback: reply.fallback,
            sentiment_polarity: null,
            crisis: reply.crisis_indicators.length > 0,
            created_at: replyAt,
          },
        ]
      : []),
  ];
  const target: TurnTarget = existing
    ? { userId: input.userId, sessionId: existing.id }
    : { newSession: { user_id: input.userId, ...input.newSession, description: null, tags: [], created_at: at } };
  // One statement appends the turn (see appendTurn): without an idempotency key it is its own transaction,
  // one round trip; with one, writeOnce claims the key and stores the answer in the same transaction.
  const write = async (db: Kysely<Database>): Promise<R> => {
    const written = await appendTurn(db, target, messages);
    if (!written) throw notFound('session_not_found', input.sessionIdPath, input.sessionId ?? '');
    const [userMessage, assistantMessage] = written.messages;
    return respond({
      session: written.session,
      userMessage: userMessage!,
      assistantMessage: assistantMessage ?? null,
      reply,
      turn: written.session.user_turns,
      processingMs,
    });
  };
  return idem ? writeOnce(deps, idem, write) : write(deps.db);
}
