import type { CreateTopicBody, Topic } from '../contract/topics.js';
import { createOrGetTopic, listTopics as listTopicRows, softDeleteTopic } from '../db/queries/topics.js';
import type { ServiceDeps } from './deps.js';
import { toTopic } from './mappers.js';
import { owned, ownTopic, requireUser } from './ownership.js';

export async function createTopic(deps: ServiceDeps, body: CreateTopicBody): Promise<{ topic: Topic; created: boolean }> {
  await requireUser(deps, body.user_id);
  const { topic, created } = await createOrGetTopic(deps.db, {
    user_id: body.user_id,
    name: body.name,
    description: body.description ?? null,
    color: body.color,
    tags: body.tags,
  });
  return { topic: toTopic(topic), created };
}

export async function listTopics(deps: ServiceDeps, userId: string): Promise<Topic[]> {
  await requireUser(deps, userId);
  return (await listTopicRows(deps.db, userId)).map(toTopic);
}

export async function getTopic(deps: ServiceDeps, userId: string, id: string): Promise<Topic> {
  return toTopic(await ownTopic(deps, userId, id));
}

export async function deleteTopic(deps: ServiceDeps, userId: string, id: string): Promise<void> {
  await owned(deps, await softDeleteTopic(deps.db, userId, id), { kind: 'topic', userId, id, path: 'id' });
}
