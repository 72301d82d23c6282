import { randomUUID } from 'node:crypto';
import type { CreateUserBody, User } from '../contract/users.js';
import { findUser, insertUser } from '../db/queries/users.js';
import type { UserRow } from '../db/schema.js';
import type { ServiceDeps } from './deps.js';
import { ApiError, notFound } from './errors.js';
import { toUser } from './mappers.js';

export async function createUser(deps: ServiceDeps, body: CreateUserBody): Promise<User> {
  const id = body.id ?? randomUUID();
  const row = await insertUser(deps.db, {
    id,
    username: body.username,
    display_name: body.display_name ?? null,
    timezone: body.timezone,
    language: body.language,
  });
  if (!row) throw new ApiError(409, 'user_exists', `user ${id} already exists`, [{ path: 'id', message: 'already exists' }]);
  return toUser(row);
}

export async function getUser(deps: ServiceDeps, id: string): Promise<User> {
  return toUser(await requireUser(deps, id, 'id'));
}

/** Every write and read names its user; an unknown one is a 404, never a silent default. */
export async function requireUser(deps: ServiceDeps, id: string, path = 'user_id'): Promise<UserRow> {
  const row = await findUser(deps.db, id);
  if (!row) throw notFound('user_not_found', path, id);
  return row;
}
