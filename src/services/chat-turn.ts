import type { ReplyResult as AiReply } from '../ai/gateway.js';
import type { ConversationMode, Language, MessageRole, ResponseStyle, SessionType } from '../contract/enums.js';
import { appendTurn, type NewMessage, type TurnTarget } from '../db/queries/chat.js';
import type { MessageRow, SessionRow } from '../db/schema.js';
import { analyzeWithLexicon } from '../domain/lexicon.js';
import type { ServiceDeps } from './deps.js';
import type { Write } from './idempotency.js';
import { owned, type OwnSession } from './ownership.js';

const HISTORY_FOR_MODEL = 20;

/** How many earlier messages the model sees: only a user turn is answered. */
export const historyLimit = (role: MessageRole) => (role === 'user' ? HISTORY_FOR_MODEL : 0);

export interface NewSessionFields {
  session_type: SessionType;
  conversation_mode: ConversationMode;
  title: string | null;
  metadata: Record<string, unknown>;
}

export interface TurnInput {
  userId: string;
  /** The live session of this user the turn continues (from ownSession with historyLimit), or a new one. */
  target: { session: OwnSession; path: string } | { newSession: NewSessionFields };
  message: string;
  role: MessageRole;
  mode: ConversationMode;
  style: ResponseStyle;
  language: Language;
  /** Historical time of the turn (context_metadata.timestamp, checked by clientInstant); defaults to now. */
  at?: Date;
  userMetadata: Record<string, unknown>;
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
 * One turn, in two steps so the model is asked outside any transaction: this asks the model (for a user
 * turn) and returns the write, which stores the session, the turn and the reply in ONE statement (one
 * transaction, see appendTurn) before anything is answered. A failed write is an error, never a 200.
 */
export async function prepareTurn(deps: ServiceDeps, input: TurnInput): Promise<Write<TurnResult>> {
  const { target } = input;
  const existing = 'session' in target ? target : undefined;
  const opened = 'newSession' in target ? target.newSession : undefined;
  const at = input.at ?? deps.now();

  const started = Date.now();
  let reply: AiReply | null = null;
  if (input.role === 'user') {
    reply = await deps.ai.reply({
      message: input.message,
      history: existing?.session.history ?? [],
      language: input.language,
      sessionType: existing?.session.session_type ?? opened!.session_type,
      style: input.style,
      mode: input.mode,
    });
  }
  // Strictly after the user turn: a historical reply 1 ms after it (also before 1970, where an epoch of 0
  // is no lower bound), a live one at the time it came back, even when both fall in one millisecond.
  const replyAt = new Date(input.at ? at.getTime() + 1 : Math.max(at.getTime() + 1, deps.now().getTime()));
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
  ];
  if (reply) {
    messages.push({
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
    });
  }
  const where: TurnTarget = opened
    ? { newSession: { user_id: input.userId, ...opened, description: null, tags: [], created_at: at } }
    : { userId: input.userId, sessionId: existing!.session.id };

  return async (db) => {
    // A continued session may have been deleted while the model was answering: that is its 404.
    const written = await owned(deps, await appendTurn(db, where, messages), {
      kind: 'session',
      userId: input.userId,
      id: existing?.session.id ?? '',
      path: existing?.path ?? 'session_id',
    });
    const [userMessage, assistantMessage] = written.messages;
    return {
      session: written.session,
      userMessage: userMessage!,
      assistantMessage: assistantMessage ?? null,
      reply,
      turn: written.session.user_turns,
      processingMs,
    };
  };
}
