import type { Language, SessionType } from '../contract/enums.js';

export type CoreCategory = 'work' | 'growth' | 'relationships' | 'health' | 'daily';
export type SeasonalCategory = 'travel' | 'holidays' | 'new_year';
export type Category = CoreCategory | SeasonalCategory;
export type Season = 'winter' | 'spring' | 'summer' | 'autumn';

export interface TopicSpec {
  name: string;
  description: string;
  language: Language;
  category: Category;
  color: string;
}

export interface JournalTheme {
  theme: string;
  language: Language;
  category: Category;
}

export interface ChatTheme {
  theme: string;
  language: Language;
}

const CORE: Record<CoreCategory, { color: string; en: [string, string]; de: [string, string] }> = {
  work: {
    color: '#2563EB',
    en: ['Work & Career', 'Professional life, career steps and the workplace'],
    de: ['Arbeit & Karriere', 'Berufsleben, Karriereschritte und der Arbeitsplatz'],
  },
  growth: {
    color: '#7C3AED',
    en: ['Personal Growth', 'Self-reflection, learning and becoming who you want to be'],
    de: ['Persönliche Entwicklung', 'Selbstreflexion, Lernen und Weiterentwicklung'],
  },
  relationships: {
    color: '#DB2777',
    en: ['Family & Relationships', 'Family, friends and the people who matter'],
    de: ['Familie & Beziehungen', 'Familie, Freunde und die Menschen, die wichtig sind'],
  },
  health: {
    color: '#059669',
    en: ['Health & Wellness', 'Body, mind, sleep, movement and food'],
    de: ['Gesundheit & Wohlbefinden', 'Körper, Geist, Schlaf, Bewegung und Ernährung'],
  },
  daily: {
    color: '#D97706',
    en: ['Daily Life', 'Routines, small moments and everyday observations'],
    de: ['Alltag', 'Routinen, kleine Momente und alltägliche Beobachtungen'],
  },
};

const SEASONAL: Record<SeasonalCategory, { color: string; seasons: readonly Season[]; en: [string, string]; de: [string, string] }> = {
  travel: {
    color: '#0EA5E9',
    seasons: ['spring', 'summer'],
    en: ['Travel & Adventures', 'Trips, plans and discoveries'],
    de: ['Reisen & Abenteuer', 'Reisen, Pläne und Entdeckungen'],
  },
  holidays: {
    color: '#DC2626',
    seasons: ['winter'],
    en: ['Holiday Reflections', 'Holidays, gatherings and traditions'],
    de: ['Feiertagsreflexionen', 'Feiertage, Familientreffen und Traditionen'],
  },
  new_year: {
    color: '#CA8A04',
    seasons: ['winter'],
    en: ['New Year Goals', 'Resolutions, plans and fresh starts'],
    de: ['Neujahrsziele', 'Vorsätze, Pläne und Neuanfänge'],
  },
};

export const CORE_CATEGORIES = Object.keys(CORE) as CoreCategory[];
export const SEASONAL_CATEGORIES = Object.keys(SEASONAL) as SeasonalCategory[];

function topic(category: Category, language: Language): TopicSpec {
  const spec = category in CORE ? CORE[category as CoreCategory] : SEASONAL[category as SeasonalCategory];
  const [name, description] = spec[language];
  return { name, description, language, category, color: spec.color };
}

/** The ten core topics, five per language, always created first so every core theme has its topic. */
export const CORE_TOPICS: readonly TopicSpec[] = CORE_CATEGORIES.flatMap((c) => [topic(c, 'en'), topic(c, 'de')]);

export function topicFor(category: Category, language: Language): TopicSpec {
  return topic(category, language);
}

export function seasonOf(localDate: string): Season {
  const month = Number(localDate.slice(5, 7));
  if (month === 12 || month <= 2) return 'winter';
  if (month <= 5) return 'spring';
  if (month <= 8) return 'summer';
  return 'autumn';
}

export function seasonalCategoriesIn(season: Season): SeasonalCategory[] {
  return SEASONAL_CATEGORIES.filter((c) => SEASONAL[c].seasons.includes(season));
}

const JOURNAL: Record<Category, Record<Language, readonly string[]>> = {
  work: {
    en: [
      'a stressful deadline at work',
      'how the team worked together this week',
      'where my career is heading',
      'keeping work from eating my evenings',
    ],
    de: [
      'eine stressige Deadline bei der Arbeit',
      'wie das Team diese Woche zusammengearbeitet hat',
      'wohin sich meine Karriere entwickelt',
      'Feierabend, der wirklich Feierabend ist',
    ],
  },
  growth: {
    en: ['what I learned about myself lately', 'practising a new skill', 'a challenge I finally faced', 'ten minutes of quiet meditation'],
    de: [
      'was ich zuletzt über mich gelernt habe',
      'eine neue Fähigkeit üben',
      'eine Herausforderung, der ich mich gestellt habe',
      'zehn Minuten stille Meditation',
    ],
  },
  relationships: {
    en: [
      'an evening with my family',
      'a friendship that matters to me',
      'a difficult conversation with someone I love',
      'feeling connected to people',
    ],
    de: [
      'ein Abend mit meiner Familie',
      'eine Freundschaft, die mir wichtig ist',
      'ein schwieriges Gespräch mit einem geliebten Menschen',
      'mich mit anderen verbunden fühlen',
    ],
  },
  health: {
    en: ['my running routine', 'how my mental health has been', 'eating better this week', 'how I have been sleeping'],
    de: ['meine Laufroutine', 'wie es meiner mentalen Gesundheit geht', 'diese Woche gesünder essen', 'wie ich in letzter Zeit schlafe'],
  },
  daily: {
    en: [
      'my morning routine',
      'three things I am grateful for tonight',
      'a slow weekend',
      'the weather and the changing season',
      'cooking dinner from scratch',
    ],
    de: [
      'meine Morgenroutine',
      'drei Dinge, für die ich heute Abend dankbar bin',
      'ein ruhiges Wochenende',
      'das Wetter und die neue Jahreszeit',
      'ein Abendessen selbst kochen',
    ],
  },
  travel: {
    en: ['planning a summer trip', 'a day exploring somewhere new'],
    de: ['eine Sommerreise planen', 'ein Tag an einem neuen Ort'],
  },
  holidays: {
    en: ['getting ready for the holidays', 'a holiday gathering with family'],
    de: ['Vorbereitungen für die Feiertage', 'ein Familientreffen an den Feiertagen'],
  },
  new_year: {
    en: ['resolutions for the new year', 'looking back on the past year'],
    de: ['Vorsätze für das neue Jahr', 'ein Rückblick auf das vergangene Jahr'],
  },
};

export function journalThemes(category: Category, language: Language): JournalTheme[] {
  return JOURNAL[category][language].map((theme) => ({ theme, language, category }));
}

const CHAT: Record<Language, readonly string[]> = {
  en: [
    'finding a better work-life balance',
    'a relationship that feels difficult',
    'staying motivated with my goals',
    'handling stress and anxiety',
    'making room for creative projects',
    'a decision I keep putting off',
    'lessons from a past experience',
    'what I want the next year to look like',
  ],
  de: [
    'eine bessere Work-Life-Balance finden',
    'eine Beziehung, die sich schwierig anfühlt',
    'motiviert bei meinen Zielen bleiben',
    'mit Stress und Angst umgehen',
    'Platz für kreative Projekte schaffen',
    'eine Entscheidung, die ich vor mir herschiebe',
    'Lehren aus einer früheren Erfahrung',
    'wie das nächste Jahr aussehen soll',
  ],
};

export function chatThemes(language: Language): ChatTheme[] {
  return CHAT[language].map((theme) => ({ theme, language }));
}

/** What the assistant is for, per session type, so generated user turns fit the conversation. */
export const SESSION_PURPOSE: Record<SessionType, Record<Language, string>> = {
  reflection_buddy: { en: 'a warm reflection buddy', de: 'ein einfühlsamer Reflexionspartner' },
  inner_voice: { en: 'their wise inner voice', de: 'ihre weise innere Stimme' },
  growth_challenge: { en: 'a motivating growth coach', de: 'ein motivierender Wachstumscoach' },
  pattern_detective: { en: 'an analytical pattern detective', de: 'ein analytischer Musterdetektiv' },
  free_chat: { en: 'a friendly conversation partner', de: 'ein freundlicher Gesprächspartner' },
};
