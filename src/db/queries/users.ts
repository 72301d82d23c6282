import type { Kysely } from 'kysely';
import type { Language } from '../../contract/enums.js';
import type { Database, UserRow } from '../schema.js';

export async function insertUser(
  db: Kysely<Database>,
  u: { id: string; username: string; display_name: string | null; timezone: string; language: Language },
): Promise<UserRow | undefined> {
  return db
    .insertInto('users')
    .values(u)
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findUser(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}
