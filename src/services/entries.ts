import type { Kysely } from 'kysely';
import type { CreateEntryBody, Entry, ListEntriesQuery, UpdateEntryBody } from '../contract/entries.js';
import { dateFilterBound } from '../contract/common.js';
import { insertEntry, listEntries as listEntryRows, softDeleteEntry, updateEntry as updateEntryRow } from '../db/queries/entries.js';
import { findTopic, isLiveTopic, lockLiveTopic } from '../db/queries/topics.js';
import type { Database } from '../db/schema.js';
import { moodFromPolarity } from '../domain/mood.js';
import { readingTimeMinutes, wordCount } from '../domain/text.js';
import { clientInstant } from './client-time.js';
import type { ServiceDeps } from './deps.js';
import { invalidField, notFound } from './errors.js';
import { writeOnce } from './idempotency.js';
import { toEntry } from './mappers.js';
import { owned, ownEntry, requireUser } from './ownership.js';

const NOT_USERS_TOPIC = 'must be a topic of this user';

/** A topic named in an entry's body is part of the request, so another user's topic is bad input (422), not a 404. */
async function requireTopicRef(deps: ServiceDeps, userId: string, topicId: string | null | undefined): Promise<void> {
  if (!topicId) return;
  if (!(await findTopic(deps.db, userId, topicId))) throw invalidField('topic_id', NOT_USERS_TOPIC);
}

/**
 * Runs a write that puts an entry into `topicId` with that topic share-locked in the same transaction (in
 * the caller's, when `db` is one), so the topic cannot be deleted between the check and the commit and
 * leave the entry naming a deleted topic: a delete either waits and detaches it, or went first and this
 * is the 422 of any topic the user does not have.
 */
async function intoLiveTopic<T>(
  db: Kysely<Database>,
  userId: string,
  topicId: string | null | undefined,
  write: (db: Kysely<Database>) => Promise<T>,
) {
  if (!topicId) return write(db);
  const guarded = async (trx: Kysely<Database>) => {
    if (!(await lockLiveTopic(trx, userId, topicId))) throw invalidField('topic_id', NOT_USERS_TOPIC);
    return write(trx);
  };
  return db.isTransaction ? guarded(db) : db.transaction().execute(guarded);
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
        await intoLiveTopic(db, body.user_id, body.topic_id, (db) =>
          insertEntry(db, {
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
        ),
      );
  });
}

export async function listEntries(deps: ServiceDeps, q: ListEntriesQuery): Promise<Entry[]> {
  await requireUser(deps, q.user_id);
  // Entries of a topic the user does not have (deleted, unknown, another user's): 404, as its GET is. A
  // deleted topic has no entries anyway (the delete detaches them), so this is the only honest answer.
  if (q.topic_id !== undefined && !(await isLiveTopic(deps.db, q.user_id, q.topic_id))) {
    throw notFound('topic_not_found', 'topic_id', q.topic_id);
  }
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
  // The model is asked before the write, so no lock is held while it answers.
  const patch = {
    ...(body.title !== undefined && { title: body.title }),
    ...(body.content !== undefined && { content: body.content }),
    ...(body.entry_type !== undefined && { entry_type: body.entry_type }),
    ...(body.topic_id !== undefined && { topic_id: body.topic_id }),
    ...(body.tags !== undefined && { tags: JSON.stringify(body.tags) }),
    ...(body.is_favorite !== undefined && { is_favorite: body.is_favorite }),
    ...(contentChanged ? await analyzed(deps, body.content!) : {}),
  };
  const row = await intoLiveTopic(deps.db, userId, body.topic_id, (db) => updateEntryRow(db, userId, id, patch));
  return toEntry(await owned(deps, row, { kind: 'entry', userId, id, path: 'id' }));
}

export async function deleteEntry(deps: ServiceDeps, userId: string, id: string): Promise<void> {
  await owned(deps, await softDeleteEntry(deps.db, userId, id), { kind: 'entry', userId, id, path: 'id' });
}
