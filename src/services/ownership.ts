import { findSessionWithHistory, type HistoryMessage } from '../db/queries/chat.js';
import { findEntry } from '../db/queries/entries.js';
import { findTopic, type TopicWithCounts } from '../db/queries/topics.js';
import { findUser } from '../db/queries/users.js';
import type { EntryRow, SessionRow, UserRow } from '../db/schema.js';
import type { ServiceDeps } from './deps.js';
import { notFound } from './errors.js';

// Every object is addressed together with its owner, so another user's object and a missing one are the
// same 404. A miss is answered by owned(), the one place that turns "no row" into the right 404: the user
// is looked up only then (a found row proves its owner exists, the foreign key guarantees it), so a hit
// costs one round trip. A row that vanishes between a read and a write (a concurrent delete) goes through
// owned() too, so it is a 404 like any other miss, never a 500.

type Kind = 'topic' | 'entry' | 'session';

/** Every write and read names its user; an unknown one is a 404, never a silent default. */
export async function requireUser(deps: ServiceDeps, id: string, path = 'user_id'): Promise<UserRow> {
  const row = await findUser(deps.db, id);
  if (!row) throw notFound('user_not_found', path, id);
  return row;
}

/** The row of a lookup or a write addressed by (user, id), or the 404 that its absence means. */
export async function owned<T>(
  deps: ServiceDeps,
  row: T | undefined,
  miss: { kind: Kind; userId: string; id: string; path: string },
): Promise<T> {
  if (row !== undefined) return row;
  await requireUser(deps, miss.userId);
  throw notFound(`${miss.kind}_not_found`, miss.path, miss.id);
}

export const ownTopic = async (deps: ServiceDeps, userId: string, id: string, path = 'id'): Promise<TopicWithCounts> =>
  owned(deps, await findTopic(deps.db, userId, id), { kind: 'topic', userId, id, path });

export const ownEntry = async (deps: ServiceDeps, userId: string, id: string, path = 'id'): Promise<EntryRow> =>
  owned(deps, await findEntry(deps.db, userId, id), { kind: 'entry', userId, id, path });

export type OwnSession = SessionRow & { history: HistoryMessage[] };

/** A live session of this user, with its last `historyLimit` messages (what a chat turn shows the model). */
export const ownSession = async (deps: ServiceDeps, userId: string, id: string, path: string, historyLimit = 0): Promise<OwnSession> =>
  owned(deps, await findSessionWithHistory(deps.db, userId, id, historyLimit), { kind: 'session', userId, id, path });
