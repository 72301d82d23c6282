import type { ConversationMode, Language, ResponseStyle, SessionType } from '../contract/enums.js';
import type { ReplyResult as AiReply } from '../ai/gateway.js';
import { appendMessages, countUserTurns, findSession, insertSession, lockSession, recentMessages } from '../db/queries/chat.js';
import type { MessageRow, SessionRow } from '../db/schema.js';
import { analyzeWithLexicon } from '../domain/lexicon.js';
import type { ServiceDeps } from './deps.js';
import { invalidField, notFound } from './errors.js';
import { replayed, writeOnce } from './idempotency.js';

const CLOCK_SKEW_MS = 60_000;
const HISTORY_FOR_MODEL = 20;

export interface TurnInput {
  userId: string;
  /** An existing session of this user, or undefined to open a new one. */
  sessionId?: string;
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
 * are written in ONE transaction before anything is answered. A failed write is an error, never a 200.
 */
export async function recordTurn<R>(deps: ServiceDeps, input: TurnInput, respond: (t: TurnResult) => R): Promise<R> {
  const idem = input.idempotency && { userId: input.userId, ...input.idempotency };
  const prior = await replayed<R>(deps, idem);
  if (prior !== undefined) return prior;

  const existing = input.sessionId ? await findSession(deps.db, input.userId, input.sessionId) : undefined;
  if (input.sessionId && !existing) throw notFound('session_not_found', input.sessionIdPath, input.sessionId);

  const now = deps.now();
  const at = input.at ?? now;
  if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) throw invalidField('context_metadata.timestamp', 'must not lie in the future');

  const started = Date.now();
  let reply: AiReply | null = null;
  if (input.role === 'user') {
    const history = existing ? await recentMessages(deps.db, existing.id, HISTORY_FOR_MODEL) : [];
    reply = await deps.ai.reply({
      message: input.message,
      history: history.map((m) => ({ role: m.role as 'user' | 'assistant' | 'system', content: m.content })),
      language: input.language,
      sessionType: existing?.session_type ?? input.newSession.session_type,
      style: input.style,
      mode: input.mode,
    });
  }
  // Strictly after the user turn even when both fall in one millisecond or the turn is historical.
  const replyAt = new Date(Math.max(at.getTime() + 1, input.at ? 0 : deps.now().getTime()));
  const processingMs = Date.now() - started;

  return writeOnce(deps, idem, async (trx) => {
    const session = existing ? await lockSession(trx, input.userId, existing.id) : await insertSession(trx, { user_id: input.userId, ...input.newSession, description: null, tags: [], created_at: at });
    if (!session) throw notFound('session_not_found', input.sessionIdPath, input.sessionId ?? '');
    const turn = (await countUserTurns(trx, session.id)) + (input.role === 'user' ? 1 : 0);
    const sentiment = input.role === 'user' ? analyzeWithLexicon(input.message, input.language).polarity : null;
    const rows = await appendMessages(trx, session, [
      { role: input.role, content: input.message, metadata: input.userMetadata, is_fallback: false, sentiment_polarity: sentiment, crisis: false, created_at: at },
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
    ]);
    return respond({ session: { ...session, message_count: session.message_count + rows.length }, userMessage: rows[0]!, assistantMessage: rows[1] ?? null, reply, turn, processingMs });
  });
}
