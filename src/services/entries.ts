import type { CreateEntryBody, Entry, ListEntriesQuery, UpdateEntryBody } from '../contract/entries.js';
import { dateFilterBound } from '../contract/common.js';
import { insertEntry, listEntries as listEntryRows, softDeleteEntry, updateEntry as updateEntryRow } from '../db/queries/entries.js';
import { findTopic } from '../db/queries/topics.js';
import { moodFromPolarity } from '../domain/mood.js';
import { readingTimeMinutes, wordCount } from '../domain/text.js';
import { clientInstant } from './client-time.js';
import type { ServiceDeps } from './deps.js';
import { invalidField } from './errors.js';
import { writeOnce } from './idempotency.js';
import { toEntry } from './mappers.js';
import { owned, ownEntry, requireUser } from './ownership.js';

/** A topic named in an entry's body is part of the request, so another user's topic is bad input (422), not a 404. */
async function requireTopicRef(deps: ServiceDeps, userId: string, topicId: string | null | undefined): Promise<void> {
  if (!topicId) return;
  if (!(await findTopic(deps.db, userId, topicId))) throw invalidField('topic_id', 'must be a topic of this user');
}

/** Emotion fields are derived together so mood always matches the stored polarity. */
async function analyzed(deps: ServiceDeps, content: string) {
  const a = await deps.ai.analyzeEmotion(content);
  const words = wordCount(content);
  return {
    word_count: words,
    reading_time_minutes: readingTimeMinutes(words),
    language: a.language,
    mood: moodFromPolarity(a.sentiment_polarity),
    sentiment_score: a.sentiment_polarity,
    emotion_analysis: JSON.stringify(a),
    auto_tags: JSON.stringify(a.primary_emotion === 'neutral' ? [] : [a.primary_emotion]),
  };
}

export async function createEntry(deps: ServiceDeps, body: CreateEntryBody, idempotencyKey?: string): Promise<Entry> {
  const idem = idempotencyKey ? { userId: body.user_id, scope: 'entries.create', key: idempotencyKey, body } : undefined;
  return writeOnce(deps, idem, async () => {
    await requireUser(deps, body.user_id);
    await requireTopicRef(deps, body.user_id, body.topic_id);
    const createdAt = clientInstant('created_at', body.created_at ?? undefined, deps.now());
    const analysis = await analyzed(deps, body.content);
    return async (db) =>
      toEntry(
        await insertEntry(db, {
          user_id: body.user_id,
          title: body.title,
          content: body.content,
          entry_type: body.entry_type,
          topic_id: body.topic_id ?? null,
          tags: JSON.stringify(body.tags),
          template_id: body.template_id ?? null,
          created_at: createdAt,
          updated_at: createdAt,
          deleted_at: null,
          ...analysis,
        }),
      );
  });
}

export async function listEntries(deps: ServiceDeps, q: ListEntriesQuery): Promise<Entry[]> {
  await requireUser(deps, q.user_id);
  const rows = await listEntryRows(deps.db, {
    userId: q.user_id,
    skip: q.skip,
    limit: q.limit,
    topicId: q.topic_id,
    from: dateFilterBound(q.date_from, 'from'),
    to: dateFilterBound(q.date_to, 'to'),
    mood: q.mood_filter,
  });
  return rows.map(toEntry);
}

export async function getEntry(deps: ServiceDeps, userId: string, id: string): Promise<Entry> {
  return toEntry(await ownEntry(deps, userId, id));
}

export async function updateEntry(deps: ServiceDeps, userId: string, id: string, body: UpdateEntryBody): Promise<Entry> {
  const current = await ownEntry(deps, userId, id);
  await requireTopicRef(deps, userId, body.topic_id);
  const contentChanged = body.content !== undefined && body.content !== current.content;
  const row = await updateEntryRow(deps.db, userId, id, {
    ...(body.title !== undefined && { title: body.title }),
    ...(body.content !== undefined && { content: body.content }),
    ...(body.entry_type !== undefined && { entry_type: body.entry_type }),
    ...(body.topic_id !== undefined && { topic_id: body.topic_id }),
    ...(body.tags !== undefined && { tags: JSON.stringify(body.tags) }),
    ...(body.is_favorite !== undefined && { is_favorite: body.is_favorite }),
    ...(contentChanged ? await analyzed(deps, body.content!) : {}),
  });
  return toEntry(await owned(deps, row, { kind: 'entry', userId, id, path: 'id' }));
}

export async function deleteEntry(deps: ServiceDeps, userId: string, id: string): Promise<void> {
  await owned(deps, await softDeleteEntry(deps.db, userId, id), { kind: 'entry', userId, id, path: 'id' });
}
