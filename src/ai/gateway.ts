import type { Message } from 'ollama';
import type { z } from 'zod';
import { aggregateEmotions, chunkText, type EmotionAggregate } from '../domain/chunking.js';
import { detectLanguage } from '../domain/text.js';
import { CircuitBreaker, type BreakerState } from './breaker.js';
import { createOllamaClient } from './client.js';
import type { AiConfig } from './config.js';
import { toAiError } from './errors.js';
import { fallbackEmotion, fallbackReply, type AiLanguage } from './fallback.js';
import { chatSystemPrompt, emotionSystemPrompt } from './prompts.js';
import { ChatReplySchema, EmotionChunkSchema, parseStructured, toFormat } from './schemas.js';

/** `model` of a reply that did not come from the language model. */
export const FALLBACK_CHAT_MODEL = 'offline-fallback';
/** `model` of an emotion analysis the lexicon produced because the model failed. */
export const LEXICON_FALLBACK_MODEL = 'lexicon-fallback';
/** `model` of an emotion analysis of empty text: nothing failed, there was just nothing to ask. */
export const LEXICON_MODEL = 'lexicon';

export interface ChatTurn {
  role: 'user' | 'assistant' | 'system';
  content: string;
}

export interface ReplyInput {
  message: string;
  history: ChatTurn[];
  language: AiLanguage;
  sessionType: string;
  style: string;
  mode: string;
}

export type SupportLevel = 'low' | 'moderate' | 'high';

export interface ReplyResult {
  content: string;
  fallback: boolean;
  model: string;
  techniques: string[];
  follow_ups: string[];
  crisis_indicators: string[];
  next_topics: string[];
  confidence: number;
  support_level: SupportLevel;
  error?: string;
}

export interface EmotionAnalysis extends EmotionAggregate {
  chunks: number;
  model: string;
  analyzed_at: string;
  language: AiLanguage;
  fallback: boolean;
  error?: string;
}

export interface ProbeResult {
  available: boolean;
  latency_ms: number;
  error?: string;
}

export interface GenerateOptions {
  system?: string;
  model?: string;
  temperature?: number;
}

export interface AiGateway {
  /** Never throws: any model failure yields a fallback reply in the input's language. */
  reply(input: ReplyInput): Promise<ReplyResult>;
  /** Never throws: any model failure yields a lexicon analysis flagged as fallback. */
  analyzeEmotion(text: string): Promise<EmotionAnalysis>;
  /** Throws an AiError on any failure, leaving retries and fallbacks to the caller. */
  generate<T>(schema: z.ZodType<T>, prompt: string, opts?: GenerateOptions): Promise<T>;
  probe(): Promise<ProbeResult>;
  breakerState(): BreakerState;
}

// Scores should depend on the text, not on sampling luck, so the same entry gets the same mood.
const EMOTION_TEMPERATURE = 0;
const CHAT_TEMPERATURE = 0.7;

export function createAiGateway(config: AiConfig, deps: { now?: () => number } = {}): AiGateway {
  const now = deps.now ?? Date.now;
  const client = createOllamaClient(config.host, config.timeoutMs);
  // A health check must answer quickly even while model calls are allowed to take their time.
  const probeClient = createOllamaClient(config.host, config.probeTimeoutMs);
  const breaker = new CircuitBreaker({ ...config.breaker, now });
  const chatFormat = toFormat(ChatReplySchema);
  const emotionFormat = toFormat(EmotionChunkSchema);

  async function structured<T>(
    schema: z.ZodType<T>,
    format: Record<string, unknown>,
    model: string,
    messages: Message[],
    temperature: number,
  ): Promise<T> {
    let content: string;
    try {
      const response = await breaker.run(() => client.chat({ model, messages, format, stream: false, options: { temperature } }));
      content = response.message.content;
    } catch (err) {
      throw toAiError(err, config.timeoutMs);
    }
    // Outside the breaker on purpose: a model that answers off-schema is reachable, and tripping
    // the breaker would also cut off the calls that do parse.
    return parseStructured(schema, content);
  }

  async function reply(input: ReplyInput): Promise<ReplyResult> {
    const messages: Message[] = [
      { role: 'system', content: chatSystemPrompt(input) },
      ...input.history,
      { role: 'user', content: input.message },
    ];
    try {
      const answer = await structured(ChatReplySchema, chatFormat, config.chatModel, messages, CHAT_TEMPERATURE);
      return {
        content: answer.reply,
        fallback: false,
        model: config.chatModel,
        techniques: answer.techniques,
        follow_ups: answer.follow_up_suggestions,
        crisis_indicators: answer.crisis_indicators,
        next_topics: answer.next_topics,
        confidence: answer.confidence,
        support_level: answer.support_level,
      };
    } catch (err) {
      return {
        // The turn count varies the canned sentence when a user repeats themselves during an outage.
        content: fallbackReply(input.message, input.language, String(input.history.length)),
        fallback: true,
        model: FALLBACK_CHAT_MODEL,
        techniques: [],
        follow_ups: [],
        crisis_indicators: [],
        next_topics: [],
        confidence: 0,
        support_level: 'moderate',
        error: toAiError(err, config.timeoutMs).message,
      };
    }
  }

  async function analyzeEmotion(text: string): Promise<EmotionAnalysis> {
    const language = detectLanguage(text);
    const chunks = text.trim() === '' ? [] : chunkText(text);
    const stamp = { chunks: chunks.length, language, analyzed_at: new Date(now()).toISOString() };
    if (chunks.length === 0) {
      const aggregate = aggregateEmotions([{ length: 1, score: fallbackEmotion(text, language) }]);
      return { ...aggregate, ...stamp, model: LEXICON_MODEL, fallback: false };
    }

    const system: Message = { role: 'system', content: emotionSystemPrompt(language) };
    try {
      const parts = [];
      // One chunk at a time: a local Ollama serialises requests anyway, and the first failure
      // already decides that the whole entry goes to the lexicon, so the rest need not be sent.
      for (const chunk of chunks) {
        const messages: Message[] = [system, { role: 'user', content: chunk.text }];
        const score = await structured(EmotionChunkSchema, emotionFormat, config.emotionModel, messages, EMOTION_TEMPERATURE);
        parts.push({ length: chunk.text.length, score });
      }
      return { ...aggregateEmotions(parts), ...stamp, model: config.emotionModel, fallback: false };
    } catch (err) {
      // Mixing model and lexicon scores would yield a number neither analyser stands behind.
      const parts = chunks.map((chunk) => ({ length: chunk.text.length, score: fallbackEmotion(chunk.text, language) }));
      return {
        ...aggregateEmotions(parts),
        ...stamp,
        model: LEXICON_FALLBACK_MODEL,
        fallback: true,
        error: toAiError(err, config.timeoutMs).message,
      };
    }
  }

  async function generate<T>(schema: z.ZodType<T>, prompt: string, opts: GenerateOptions = {}): Promise<T> {
    const messages: Message[] = [
      ...(opts.system === undefined ? [] : [{ role: 'system', content: opts.system }]),
      { role: 'user', content: prompt },
    ];
    return structured(schema, toFormat(schema), opts.model ?? config.chatModel, messages, opts.temperature ?? CHAT_TEMPERATURE);
  }

  let probed: { at: number; result: ProbeResult } | undefined;
  let probing: Promise<ProbeResult> | undefined;

  async function probeOnce(): Promise<ProbeResult> {
    const started = performance.now();
    let result: ProbeResult;
    try {
      await probeClient.list();
      result = { available: true, latency_ms: Math.round(performance.now() - started) };
    } catch (err) {
      result = {
        available: false,
        latency_ms: Math.round(performance.now() - started),
        error: toAiError(err, config.probeTimeoutMs).message,
      };
    }
    probed = { at: now(), result };
    return result;
  }

  function probe(): Promise<ProbeResult> {
    if (probed && config.probeCacheMs > 0 && now() - probed.at < config.probeCacheMs) {
      return Promise.resolve({ ...probed.result });
    }
    // Health checks arrive in bursts (load balancers, dashboards); they share one round trip.
    probing ??= probeOnce().finally(() => {
      probing = undefined;
    });
    return probing.then((result) => ({ ...result }));
  }

  return { reply, analyzeEmotion, generate, probe, breakerState: () => breaker.state() };
}
