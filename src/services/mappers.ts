import type { Entry } from '../contract/entries.js';
import type { Topic } from '../contract/topics.js';
import type { User } from '../contract/users.js';
import type { Session, SessionMessage } from '../contract/sessions.js';
import type { EntryRow, MessageRow, SessionRow, UserRow } from '../db/schema.js';
import type { TopicWithCounts } from '../db/queries/topics.js';

const iso = (d: Date | string) => new Date(d).toISOString();
const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));

export const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  display_name: r.display_name,
  timezone: r.timezone,
  language: r.language,
  created_at: iso(r.created_at),
});

export const toTopic = (r: TopicWithCounts): Topic => ({
  id: r.id,
  user_id: r.user_id,
  name: r.name,
  description: r.description,
  color: r.color,
  tags: r.tags,
  entry_count: r.entry_count,
  last_entry_date: isoOrNull(r.last_entry_date),
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

export const toEntry = (r: EntryRow): Entry => ({
  id: r.id,
  user_id: r.user_id,
  title: r.title,
  content: r.content,
  entry_type: r.entry_type,
  topic_id: r.topic_id,
  tags: r.tags,
  auto_tags: r.auto_tags,
  template_id: r.template_id,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
  word_count: r.word_count,
  reading_time_minutes: r.reading_time_minutes,
  mood: r.mood,
  sentiment_score: r.sentiment_score,
  emotion_analysis: r.emotion_analysis,
  is_favorite: r.is_favorite,
  version: r.version,
});

export const toMessage = (m: MessageRow): SessionMessage => ({
  id: m.id,
  session_id: m.session_id,
  role: m.role,
  content: m.content,
  sequence: m.sequence,
  timestamp: iso(m.created_at),
  metadata: m.metadata,
  is_fallback: m.is_fallback,
});

export const toSession = (s: SessionRow, recent: MessageRow[]): Session => ({
  id: s.id,
  user_id: s.user_id,
  session_type: s.session_type,
  title: s.title,
  description: s.description,
  status: s.status,
  created_at: iso(s.created_at),
  updated_at: iso(s.updated_at),
  last_activity: iso(s.last_activity),
  message_count: s.message_count,
  tags: s.tags,
  metadata: s.metadata,
  recent_messages: recent.map(toMessage),
});

export { iso };
