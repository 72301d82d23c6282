import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  useOllamaMswServer,
  malformedJson,
  normalAnswer,
  ollamaError,
  recordTraffic,
  serverError,
  stubAiConfig,
} from '../../fixtures/ollama/index.js';
import { aggregateEmotions, chunkText } from '../domain/chunking.js';
import { analyzeWithLexicon } from '../domain/lexicon.js';
import { LEXICON_FALLBACK_MODEL, LEXICON_MODEL, createAiGateway } from './gateway.js';
import { emotionSystemPrompt } from './prompts.js';
import { EmotionChunkSchema, toFormat } from './schemas.js';

const server = useOllamaMswServer();

const SENTENCES = [
  'I woke up early and watched the sun rise over the rooftops.',
  'Work was stressful and I felt anxious before the meeting.',
  'My sister called and we laughed about our childhood for an hour.',
  'In the evening I felt tired but grateful for the small things.',
  'I keep worrying about the exam next week, even though I studied.',
];
function englishText(length: number): string {
  let text = '';
  for (let i = 0; text.length < length; i++) text += `${SENTENCES[i % SENTENCES.length]} `;
  return text.slice(0, length);
}
const GERMAN = 'Heute war ich sehr traurig, weil meine Freundin weggezogen ist. Aber ich bin auch dankbar für die schöne Zeit. ';

describe('analyzeEmotion', () => {
  it('scores every chunk of a 5000-character entry and weights the chunks by length', async () => {
    const text = englishText(5000);
    const chunks = chunkText(text);
    const traffic = recordTraffic(server);
    const analysis = await createAiGateway(stubAiConfig({ emotionModel: 'emotion-model' }), {
      now: () => Date.UTC(2025, 5, 1),
    }).analyzeEmotion(text);
    traffic.stop();
    const calls = await traffic.calls();

    expect(chunks.length).toBeGreaterThan(4);
    expect(analysis).toMatchObject({
      chunks: chunks.length,
      model: 'emotion-model',
      fallback: false,
      language: 'en',
      analyzed_at: '2025-06-01T00:00:00.000Z',
    });
    expect(calls.map((c) => (c.body as { messages: { content: string }[] }).messages.at(-1)?.content)).toEqual(chunks.map((c) => c.text));
    for (const call of calls) {
      expect(call.body).toMatchObject({ model: 'emotion-model', stream: false, format: toFormat(EmotionChunkSchema) });
      expect((call.body as { messages: { content: string }[] }).messages[0]?.content).toMatch(/English/);
    }

    const scores = calls.map((c) => EmotionChunkSchema.parse(JSON.parse((c.response as { message: { content: string } }).message.content)));
    // Computed here from first principles, so a gateway that averaged chunks equally would fail.
    const lengths = chunks.map((c) => c.text.length);
    const weighted = scores.reduce((sum, s, i) => sum + s.polarity * (lengths[i] ?? 0), 0) / lengths.reduce((a, b) => a + b, 0);
    const unweighted = scores.reduce((sum, s) => sum + s.polarity, 0) / scores.length;
    expect(Math.abs(weighted - unweighted)).toBeGreaterThan(0.001);
    expect(analysis.sentiment_polarity).toBeCloseTo(weighted, 3);
    expect(analysis).toMatchObject(aggregateEmotions(scores.map((score, i) => ({ length: lengths[i] ?? 0, score }))));
  });

  it('tells the model that a German entry is German', async () => {
    const traffic = recordTraffic(server);
    const analysis = await createAiGateway(stubAiConfig()).analyzeEmotion(GERMAN);
    traffic.stop();
    const [call] = await traffic.calls();

    expect(analysis.language).toBe('de');
    expect((call?.body as { messages: { content: string }[] }).messages[0]?.content).toMatch(/German \(de\)/);
  });

  it('sends the emotion prompt in the detected language as the system message of every chunk', async () => {
    const traffic = recordTraffic(server);
    await createAiGateway(stubAiConfig()).analyzeEmotion(GERMAN.repeat(20));
    traffic.stop();
    const calls = await traffic.calls();
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) {
      const messages = (call.body as { messages: { role: string; content: string }[] }).messages;
      expect(messages[0]).toEqual({ role: 'system', content: emotionSystemPrompt('de') });
      expect(messages[1]?.role).toBe('user');
    }
  });

  it('falls back to the lexicon, flagged, when the model fails', async () => {
    server.use(...serverError({ path: 'chat' }));
    const analysis = await createAiGateway(stubAiConfig()).analyzeEmotion(GERMAN);

    const expected = aggregateEmotions([{ length: GERMAN.length, score: analyzeWithLexicon(GERMAN, 'de') }]);
    expect(analysis).toMatchObject({ ...expected, model: LEXICON_FALLBACK_MODEL, fallback: true, chunks: 1, language: 'de' });
    expect(analysis.error).toMatch(/^http: HTTP 500/);
  });

  it('uses the lexicon for the whole entry when a later chunk fails, and stops asking', async () => {
    const text = englishText(3000);
    const chunks = chunkText(text);
    let calls = 0;
    server.use(
      http.post('*/api/chat', ({ request }) => (++calls === 2 ? ollamaError(500, 'out of memory') : normalAnswer('chat', request))),
    );
    const analysis = await createAiGateway(stubAiConfig()).analyzeEmotion(text);

    const expected = aggregateEmotions(chunks.map((c) => ({ length: c.text.length, score: analyzeWithLexicon(c.text, 'en') })));
    expect(analysis).toMatchObject({ ...expected, model: LEXICON_FALLBACK_MODEL, fallback: true, chunks: chunks.length });
    expect(calls).toBe(2);
  });

  it('falls back when a chunk score is out of range', async () => {
    server.use(...malformedJson({ path: 'chat', kind: 'schema' }));
    const analysis = await createAiGateway(stubAiConfig()).analyzeEmotion('A calm and ordinary day.');
    expect(analysis).toMatchObject({ model: LEXICON_FALLBACK_MODEL, fallback: true });
    expect(analysis.error).toMatch(/^schema_mismatch:/);
  });

  it('answers empty text from the lexicon with zero chunks and no request', async () => {
    const traffic = recordTraffic(server);
    const gateway = createAiGateway(stubAiConfig());
    const empty = await gateway.analyzeEmotion('');
    const blank = await gateway.analyzeEmotion('   \n ');
    traffic.stop();

    expect(empty).toMatchObject({ chunks: 0, model: LEXICON_MODEL, fallback: false, primary_emotion: 'neutral' });
    // Nothing written means nothing felt, with certainty: neutral, fully confident, polarity 0.
    expect(blank).toMatchObject({
      chunks: 0,
      model: LEXICON_MODEL,
      fallback: false,
      primary_emotion: 'neutral',
      confidence: 1,
      sentiment_polarity: 0,
    });
    expect(blank.secondary_emotions).toHaveLength(3);
    expect(traffic.count()).toBe(0);
  });
});
