import { inject } from 'vitest';
import type { z } from 'zod';
import { type Language, SESSION_TYPES } from '../src/contract/enums.js';
import type { routes } from '../src/contract/routes.js';
import type { ApiClient, SuccessBody } from './api.js';
import type { User } from '../src/contract/users.js';
import { runTarget } from './deployment/run.js';
import { createBuilders } from '../fixtures/builders.js';

// The common objects of a spec, made through the API with seeded data (the run's seed, fixtures/builders.ts).
// Each returns what was sent and what came back, so a test can hold the answer against its request.
// Tests isolate by tenant: each makes its own users here instead of cleaning up.

let builders: ReturnType<typeof createBuilders> | undefined;
/** One seeded builder set per test file (worker), from the run's seed: data a test sends that is not an object made here. */
export function fixtures() {
  builders ??= createBuilders(inject('stack').seed);
  return builders;
}

type BodyOf<R extends keyof typeof routes> = (typeof routes)[R] extends { body: z.ZodType } ? z.input<(typeof routes)[R]['body']> : never;
export interface Made<R extends keyof typeof routes> {
  sent: BodyOf<R>;
  got: SuccessBody<R>;
}
/** A user, or its id. */
export type Owner = { id: string } | string;
const idOf = (u: Owner) => (typeof u === 'string' ? u : u.id);
/** Fields to send instead of the generated ones, without the owner (it is the second argument). */
type Overrides<R extends keyof typeof routes> = Partial<Omit<BodyOf<R>, 'user_id'>>;

export async function newUser(
  api: ApiClient,
  overrides: { timezone?: string; language?: Language } & Overrides<'createUser'> = {},
): Promise<Made<'createUser'>> {
  const sent = { ...fixtures().user(overrides), ...overrides };
  // A target without this project's user route makes users its own way (its createUser hook).
  const external = runTarget().external;
  if (external) return { sent, got: (await external.createUser(sent)) as unknown as User };
  return { sent, got: await api.ok('createUser', { body: sent }, 201) };
}

/** A new topic (201): the name is unique per call, so the same user can have many. */
export async function newTopic(api: ApiClient, owner: Owner, overrides: Overrides<'createTopic'> = {}): Promise<Made<'createTopic'>> {
  const sent = { user_id: idOf(owner), name: fixtures().topicName(), ...overrides };
  return { sent, got: await api.ok('createTopic', { body: sent }, 201) };
}

export async function newEntry(
  api: ApiClient,
  owner: Owner,
  overrides: Overrides<'createEntry'> & { language?: Language } = {},
): Promise<Made<'createEntry'>> {
  const { language = 'en', ...rest } = overrides;
  const sent = { user_id: idOf(owner), ...fixtures().entry(language), ...rest };
  return { sent, got: await api.ok('createEntry', { body: sent }, 201) };
}

/** One chat turn (POST /chat/message): a new conversation unless `session_id` is given. */
export async function newChatTurn(
  api: ApiClient,
  owner: Owner,
  overrides: Overrides<'chatMessage'> & { language?: Language } = {},
): Promise<Made<'chatMessage'>> {
  const { language = 'en', ...rest } = overrides;
  const sent = { user_id: idOf(owner), message: fixtures().entryText(language, 1), ...rest };
  return { sent, got: await api.ok('chatMessage', { body: sent }, 200) };
}

export async function newSession(api: ApiClient, owner: Owner, overrides: Overrides<'createSession'> = {}): Promise<Made<'createSession'>> {
  const f = fixtures();
  const sent = {
    user_id: idOf(owner),
    session_type: f.pick(SESSION_TYPES),
    title: f.topicName(),
    ...overrides,
  };
  return { sent, got: await api.ok('createSession', { body: sent }, 201) };
}
