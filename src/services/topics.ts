import type { CreateTopicBody, Topic } from '../contract/topics.js';
import { findTopic, insertTopicIdempotent, listTopics as listTopicRows, softDeleteTopic } from '../db/queries/topics.js';
import type { ServiceDeps } from './deps.js';
import { notFound } from './errors.js';
import { toTopic } from './mappers.js';
import { requireUser } from './users.js';

export async function createTopic(deps: ServiceDeps, body: CreateTopicBody): Promise<{ topic: Topic; created: boolean }> {
  await requireUser(deps, body.user_id);
  const { id, created } = await insertTopicIdempotent(deps.db, {
    user_id: body.user_id,
    name: body.name,
    description: body.description ?? null,
    color: body.color,
    tags: body.tags,
  });
  return { topic: await getTopic(deps, body.user_id, id), created };
}

export async function listTopics(deps: ServiceDeps, userId: string): Promise<Topic[]> {
  await requireUser(deps, userId);
  return (await listTopicRows(deps.db, userId)).map(toTopic);
}

export async function getTopic(deps: ServiceDeps, userId: string, id: string): Promise<Topic> {
  await requireUser(deps, userId);
  const row = await findTopic(deps.db, userId, id);
  if (!row) throw notFound('topic_not_found', 'id', id);
  return toTopic(row);
}

export async function deleteTopic(deps: ServiceDeps, userId: string, id: string): Promise<void> {
  await requireUser(deps, userId);
  if (!(await softDeleteTopic(deps.db, userId, id))) throw notFound('topic_not_found', 'id', id);
}
