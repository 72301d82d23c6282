import type { z } from 'zod';
import type {
  ChatMessageBody,
  ChatResponse,
  ConversationsResponse,
  EndConversationResponse,
  HistoryResponse,
  ModesResponse,
  StartConversationBody,
  StartConversationResponse,
  StylesResponse,
} from '../contract/chat.js';
import { CONVERSATION_MODES, RESPONSE_STYLES, type ConversationStage as Stage, type Language } from '../contract/enums.js';
import { allMessages, countSessions, insertSession, listSessions, recentMessages, setSessionStatus } from '../db/queries/chat.js';
import { conversationStage, sessionTypeForMode } from '../domain/conversation.js';
import { cutToCharacters, detectLanguage } from '../domain/text.js';
import { historyLimit, prepareTurn, type TurnResult } from './chat-turn.js';
import { clientInstant } from './client-time.js';
import type { ServiceDeps } from './deps.js';
import { writeOnce } from './idempotency.js';
import { iso } from './mappers.js';
import { owned, ownSession, requireUser } from './ownership.js';

export async function chatMessage(deps: ServiceDeps, body: ChatMessageBody, idempotencyKey?: string): Promise<ChatResponse> {
  const ctx = body.context_metadata;
  const language = ctx?.language ?? detectLanguage(body.message);
  const idem = idempotencyKey ? { userId: body.user_id, scope: 'chat.message', key: idempotencyKey, body } : undefined;
  return writeOnce(deps, idem, async () => {
    // A continued session is looked up with its owner, which proves the user exists.
    const target =
      body.session_id === undefined
        ? { newSession: await newChatSession(deps, body, language) }
        : { session: await ownSession(deps, body.user_id, body.session_id, 'session_id', historyLimit('user')), path: 'session_id' };
    const write = await prepareTurn(deps, {
      userId: body.user_id,
      target,
      message: body.message,
      role: 'user',
      mode: body.conversation_mode,
      style: body.preferred_style,
      language,
      at: ctx?.timestamp ? clientInstant('context_metadata.timestamp', ctx.timestamp, deps.now()) : undefined,
      userMetadata: {
        context_metadata: ctx ?? {},
        conversation_mode: body.conversation_mode,
        preferred_style: body.preferred_style,
        language,
      },
    });
    return async (db) => chatResponse(body, language, await write(db));
  });
}

async function newChatSession(deps: ServiceDeps, body: ChatMessageBody, language: Language) {
  await requireUser(deps, body.user_id);
  const theme = body.context_metadata?.theme;
  return {
    session_type: body.session_type ?? sessionTypeForMode(body.conversation_mode),
    conversation_mode: body.conversation_mode,
    title: cutToCharacters(theme ?? body.message, 80),
    metadata: { ...(theme ? { theme } : {}), language, created_via: 'chat_message' },
  };
}

function chatResponse(body: ChatMessageBody, language: Language, t: TurnResult): ChatResponse {
  const reply = t.reply!;
  const assistant = t.assistantMessage!;
  return {
    message_id: assistant.id,
    session_id: t.session.id,
    content: reply.content,
    response_style: body.preferred_style,
    conversation_stage: conversationStage(t.turn),
    therapeutic_techniques: reply.techniques,
    follow_up_suggestions: reply.follow_ups,
    emotional_support_level: reply.support_level,
    crisis_indicators: reply.crisis_indicators,
    next_recommended_topics: reply.next_topics,
    confidence_score: reply.confidence,
    processing_metadata: {
      fallback_response: reply.fallback,
      model: reply.model,
      turn_count: t.turn,
      session_type: t.session.session_type,
      conversation_mode: body.conversation_mode,
      language,
      user_message_id: t.userMessage.id,
      processing_time_ms: t.processingMs,
      ...(reply.error ? { error: reply.error } : {}),
    },
    timestamp: iso(assistant.created_at),
  };
}

export async function conversations(deps: ServiceDeps, userId: string, limit: number): Promise<ConversationsResponse> {
  await requireUser(deps, userId);
  const [rows, total] = await Promise.all([listSessions(deps.db, { userId, limit }), countSessions(deps.db, userId)]);
  return {
    conversations: rows.map((s) => ({
      id: s.id,
      session_type: s.session_type,
      title: s.title,
      status: s.status,
      message_count: s.message_count,
      created_at: iso(s.created_at),
      last_activity: iso(s.last_activity),
    })),
    total_count: total,
    user_id: userId,
    retrieved_at: iso(deps.now()),
  };
}

export async function history(deps: ServiceDeps, userId: string, sessionId: string, limit: number): Promise<HistoryResponse> {
  const s = await ownSession(deps, userId, sessionId, 'session_id');
  const rows = await recentMessages(deps.db, s.id, limit);
  return {
    session_id: s.id,
    message_count: s.message_count,
    messages: rows.map((m) => ({
      id: m.id,
      role: m.role,
      content: m.content,
      timestamp: iso(m.created_at),
      metadata: { ...m.metadata, sequence: m.sequence, is_fallback: m.is_fallback },
    })),
    retrieved_at: iso(deps.now()),
  };
}

export async function startConversation(deps: ServiceDeps, body: StartConversationBody): Promise<StartConversationResponse> {
  await requireUser(deps, body.user_id);
  const s = await insertSession(deps.db, {
    user_id: body.user_id,
    session_type: body.session_type ?? sessionTypeForMode(body.conversation_mode),
    conversation_mode: body.conversation_mode,
    title: null,
    description: null,
    tags: [],
    metadata: { ...(body.initial_context ?? {}), created_via: 'conversation_start' },
    created_at: deps.now(),
  });
  return {
    session_id: s.id,
    user_id: s.user_id,
    session_type: s.session_type,
    conversation_mode: body.conversation_mode,
    status: 'active',
    conversation_stage: 'opening',
    created_at: iso(s.created_at),
  };
}

export async function endConversation(deps: ServiceDeps, userId: string, sessionId: string): Promise<EndConversationResponse> {
  // The status change is the ownership check: a session deleted concurrently is a 404, not a 500.
  const s = await owned(deps, await setSessionStatus(deps.db, userId, sessionId, 'completed'), {
    kind: 'session',
    userId,
    id: sessionId,
    path: 'session_id',
  });
  const msgs = await allMessages(deps.db, s.id);
  const turns = msgs.filter((m) => m.role === 'user').length;
  const endedAt = deps.now();
  const last = msgs.at(-1)?.created_at ?? s.created_at;
  const stage: Stage = conversationStage(Math.max(turns, 1));
  return {
    session_id: s.id,
    status: 'completed',
    message_count: s.message_count,
    duration_minutes: Math.max(0, Math.round(((new Date(last).getTime() - new Date(s.created_at).getTime()) / 60_000) * 100) / 100),
    summary: `${turns} user turn${turns === 1 ? '' : 's'} and ${msgs.length - turns} other message${msgs.length - turns === 1 ? '' : 's'} in a ${s.session_type} session; it ended at the ${stage} stage.`,
    ended_at: iso(endedAt),
  };
}

const MODE_TEXT: Record<(typeof CONVERSATION_MODES)[number], string> = {
  supportive_listening: 'Listens and reflects feelings back without judging.',
  therapeutic_guidance: 'Offers gentle, structured guidance drawn from therapeutic practice.',
  cognitive_reframing: 'Helps notice and reframe unhelpful thought patterns.',
  mindfulness_coaching: 'Guides attention back to the present moment.',
  goal_setting: 'Turns intentions into small, concrete goals.',
  crisis_support: 'Prioritises safety and points to immediate help.',
  reflection_facilitation: 'Asks questions that deepen reflection on an experience.',
  emotional_processing: 'Helps name and work through difficult emotions.',
};
const STYLE_TEXT: Record<(typeof RESPONSE_STYLES)[number], string> = {
  empathetic: 'Warm and validating.',
  analytical: 'Structured and reasoned.',
  encouraging: 'Focuses on strengths and progress.',
  challenging: 'Questions assumptions respectfully.',
  reflective: 'Mirrors and deepens what was said.',
  practical: 'Concrete next steps.',
  creative: 'Metaphors, prompts and playful angles.',
};
const title = (s: string) => s.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());

export const modes = (): z.infer<typeof ModesResponse> => ({
  modes: CONVERSATION_MODES.map((value) => ({ value, name: title(value), description: MODE_TEXT[value] })),
});
export const styles = (): z.infer<typeof StylesResponse> => ({
  styles: RESPONSE_STYLES.map((value) => ({ value, name: title(value), description: STYLE_TEXT[value] })),
});
