import type { Language } from '../contract/enums.js';
import type { PlannedEntry, PlannedSession } from './plan.js';
import { intBetween, pick, substream, type Random } from './rng.js';

export interface EntryContent {
  title: string;
  content: string;
}

export interface SessionContent {
  /** The user's turns, in order; the assistant's replies come from the backend. */
  turns: string[];
}

// Each bank's sentences are written so the language detector has unambiguous words to vote on.
const ENTRY_BANK: Record<
  Language,
  { titles: readonly string[]; openers: readonly string[]; middles: readonly string[]; closers: readonly string[] }
> = {
  en: {
    titles: ['Thinking about {theme}', 'A note on {theme}', 'Today and {theme}', 'What I noticed about {theme}'],
    openers: [
      'Today I kept coming back to {theme}.',
      'I want to write down a few thoughts about {theme} before the day is over.',
      'This week {theme} has been on my mind more than I expected.',
    ],
    middles: [
      'It felt heavier in the morning, but by the afternoon I could see it more clearly.',
      'I noticed that I am calmer when I give myself a little time to think.',
      'Talking to a friend about it really helped me sort out what matters.',
      'Some of it still frustrates me, and I do not want to pretend that it does not.',
      'I am proud that I did not avoid it this time.',
      'There was a small moment of joy that I almost missed.',
      'I felt tired, yet also a bit hopeful about the next steps.',
    ],
    closers: [
      'Tomorrow I want to take one small step and see how it feels.',
      'For now I am grateful that I took the time to write this.',
      'I will come back to this in a few days and see what has changed.',
    ],
  },
  de: {
    titles: ['Gedanken über {theme}', 'Eine Notiz zu {theme}', 'Heute und {theme}', 'Was mir bei {theme} auffällt'],
    openers: [
      'Heute habe ich immer wieder an {theme} gedacht.',
      'Ich möchte noch ein paar Gedanken zu {theme} aufschreiben, bevor der Tag vorbei ist.',
      'Diese Woche beschäftigt mich {theme} mehr, als ich erwartet hatte.',
    ],
    middles: [
      'Am Morgen hat es sich schwer angefühlt, aber am Nachmittag wurde es klarer.',
      'Ich merke, dass ich ruhiger bin, wenn ich mir etwas Zeit zum Nachdenken nehme.',
      'Das Gespräch mit einer Freundin hat mir sehr geholfen, das Wichtige zu sehen.',
      'Manches ärgert mich noch, und das will ich auch nicht verstecken.',
      'Ich bin stolz, dass ich dem diesmal nicht ausgewichen bin.',
      'Es gab einen kleinen Moment der Freude, den ich fast übersehen hätte.',
      'Ich war müde, aber auch ein bisschen zuversichtlich für die nächsten Schritte.',
    ],
    closers: [
      'Morgen möchte ich einen kleinen Schritt machen und schauen, wie es sich anfühlt.',
      'Jetzt bin ich einfach dankbar, dass ich mir die Zeit zum Schreiben genommen habe.',
      'In ein paar Tagen schaue ich wieder darauf und sehe, was sich verändert hat.',
    ],
  },
};

const CHAT_BANK: Record<Language, { openers: readonly string[]; followUps: readonly string[] }> = {
  en: {
    openers: [
      'I would like to talk about {theme}. It has been on my mind a lot lately.',
      'Can we talk about {theme}? I am not sure where to start.',
      'Lately I keep thinking about {theme} and I feel a bit stuck.',
    ],
    followUps: [
      'I think what bothers me most is that I feel I should have figured this out by now.',
      'That makes sense. I guess I am afraid of making the wrong choice.',
      'When I think about it, I feel tired but also a little hopeful.',
      'Maybe I could start with something small this week.',
      'I have not really talked to anyone else about this yet.',
      'It helps to put it into words. What would you suggest as a first step?',
    ],
  },
  de: {
    openers: [
      'Ich möchte über {theme} sprechen. Das beschäftigt mich in letzter Zeit sehr.',
      'Können wir über {theme} reden? Ich weiß nicht genau, wo ich anfangen soll.',
      'In letzter Zeit denke ich oft an {theme} und komme nicht weiter.',
    ],
    followUps: [
      'Ich glaube, am meisten stört mich, dass ich das eigentlich schon längst wissen sollte.',
      'Das ergibt Sinn. Ich habe wohl Angst, die falsche Entscheidung zu treffen.',
      'Wenn ich daran denke, bin ich müde, aber auch ein bisschen zuversichtlich.',
      'Vielleicht kann ich diese Woche mit etwas Kleinem anfangen.',
      'Ich habe mit noch niemandem wirklich darüber gesprochen.',
      'Es hilft mir, das in Worte zu fassen. Was wäre ein erster Schritt?',
    ],
  },
};

const fill = (template: string, theme: string) => template.replaceAll('{theme}', theme);

function distinct(random: Random, items: readonly string[], count: number): string[] {
  const pool = [...items];
  const out: string[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  return out;
}

/** The model-free entry for a planned item: a pure function of seed and item, in the item's language. */
export function offlineEntry(seed: number, item: PlannedEntry): EntryContent {
  const random = substream(seed, `offline:${item.id}`);
  const bank = ENTRY_BANK[item.language];
  const title = fill(pick(random, bank.titles), item.theme);
  const sentences = [
    fill(pick(random, bank.openers), item.theme),
    ...distinct(random, bank.middles, intBetween(random, 2, 4)),
    pick(random, bank.closers),
  ];
  return { title: title.slice(0, 200), content: sentences.join(' ') };
}

export function offlineSession(seed: number, item: PlannedSession): SessionContent {
  const random = substream(seed, `offline:${item.id}`);
  const bank = CHAT_BANK[item.language];
  const first = fill(pick(random, bank.openers), item.theme);
  return { turns: [first, ...distinct(random, bank.followUps, item.turnTimes.length - 1)] };
}
