import { z } from 'zod';
import { EMOTION_LABELS, type EmotionLabel } from '../domain/lexicon.js';
import { AiError } from './errors.js';

/** What the chat model must return; the gateway rejects anything else and uses the fallback. */
export const ChatReplySchema = z.object({
  // Whitespace-only text would be stored as an empty assistant turn.
  reply: z.string().trim().min(1),
  techniques: z.array(z.string()),
  follow_up_suggestions: z.array(z.string()),
  crisis_indicators: z.array(z.string()),
  next_topics: z.array(z.string()),
  confidence: z.number().min(0).max(1),
  support_level: z.enum(['low', 'moderate', 'high']),
});
export type ChatReply = z.infer<typeof ChatReplySchema>;

// Every label is required so a model that skips one cannot silently bias the aggregate towards the rest.
const emotionShape = Object.fromEntries(EMOTION_LABELS.map((label) => [label, z.number().min(0).max(1)])) as Record<
  EmotionLabel,
  z.ZodNumber
>;

/** One chunk's scores as the emotion model must return them. */
export const EmotionChunkSchema = z.object({
  emotions: z.object(emotionShape),
  polarity: z.number().min(-1).max(1),
});
export type EmotionChunk = z.infer<typeof EmotionChunkSchema>;

/** The JSON schema Ollama receives as `format`, which constrains decoding to that shape. */
export function toFormat(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema) as Record<string, unknown>;
}

/** Reads a structured answer; the AiError says whether the model broke JSON or merely the shape. */
export function parseStructured<T>(schema: z.ZodType<T>, content: string): T {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    throw new AiError('invalid_json', `model answered non-JSON: ${preview(content)}`);
  }
  const result = schema.safeParse(cleanModelText(data));
  if (!result.success) {
    throw new AiError('schema_mismatch', z.prettifyError(result.error).replaceAll('\n', ' '));
  }
  return result.data;
}

const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Every string of a model's answer as text that can be stored: NUL removed (PostgreSQL refuses it in text
 * and jsonb, which made the turn a 500), a lone surrogate replaced by U+FFFD (what storing it would do
 * silently anyway, now before the schema sees it). A client sending the same gets a 422; the model's text
 * is ours to repair, and a reply left empty by the repair fails the schema and falls back.
 */
export function cleanModelText(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '').replace(LONE_SURROGATES, '\uFFFD');
  if (Array.isArray(value)) return value.map(cleanModelText);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanModelText(k) as string, cleanModelText(v)]));
  }
  return value;
}

// Enough of the answer to recognise it in a log line without storing a whole model output.
function preview(content: string): string {
  return JSON.stringify(content.length > 80 ? `${content.slice(0, 80)}…` : content);
}
