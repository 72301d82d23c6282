import { randomUUID } from 'node:crypto';
import type { CreateUserBody, User } from '../contract/users.js';
import { insertUser } from '../db/queries/users.js';
import type { ServiceDeps } from './deps.js';
import { ApiError } from './errors.js';
import { toUser } from './mappers.js';
import { requireUser } from './ownership.js';

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
