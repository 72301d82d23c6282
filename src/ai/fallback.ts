import type { EmotionScore } from '../domain/chunking.js';
import { analyzeWithLexicon } from '../domain/lexicon.js';
import { stableHash } from './hash.js';

export type AiLanguage = 'en' | 'de';

// Each reply stands on its own as a supportive turn, so a user who never learns the model was down
// still gets a sensible answer; none of them apologises for a failure (the old sentinel leaked into
// stored chats and auto-tags).
const REPLIES: Record<AiLanguage, readonly string[]> = {
  en: [
    'Thank you for sharing this with me. What feels most important about it to you right now?',
    'That sounds like a lot to carry. Would you like to tell me a little more about how it affects you?',
    'I hear you. Taking a moment to write this down is already a meaningful step. What would help you most today?',
    'It makes sense that this is on your mind. Which part of it would you like to look at together first?',
    'Thank you for putting this into words. How are you feeling as you think about it now?',
  ],
  de: [
    'Danke, dass du das mit mir teilst. Was ist dir daran gerade am wichtigsten?',
    'Das klingt nach ziemlich viel auf einmal. Magst du mir etwas mehr darüber erzählen, wie es dich beschäftigt?',
    'Ich höre dir zu. Es aufzuschreiben ist schon ein wichtiger Schritt. Was würde dir heute am meisten helfen?',
    'Es ist verständlich, dass dich das beschäftigt. Welchen Teil davon möchtest du zuerst gemeinsam anschauen?',
    'Danke, dass du das in Worte fasst. Wie fühlst du dich, wenn du jetzt daran denkst?',
  ],
};

/**
 * A canned reply picked by a stable hash, so retries and test runs get the same sentence while
 * different messages do not all get the same one. `seedText` (e.g. a session id) varies the pick
 * for identical messages in different conversations.
 */
export function fallbackReply(message: string, language: AiLanguage, seedText?: string): string {
  const replies = REPLIES[language];
  const reply = replies[stableHash(`${seedText ?? ''}\u0000${message}`) % replies.length];
  // The tables are non-empty literals, so a miss would mean the modulo above is wrong.
  if (reply === undefined) throw new Error('fallback reply table is empty');
  return reply;
}

export function fallbackEmotion(text: string, language: AiLanguage): EmotionScore {
  return analyzeWithLexicon(text, language);
}
