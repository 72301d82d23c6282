import { expect } from 'vitest';

/**
 * One soft expectation per field, each named `label.field`: a test that checks several properties of an
 * answer reports every one that fails, so a dropped field never hides another (a topic without its
 * `user_id` must not hide an entry that lost its `created_at`). Each field is compared with `toEqual`, so
 * an array (tags) must hold exactly what was sent, nothing the server added.
 */
export function expectFields(label: string, actual: object, expected: Record<string, unknown>): void {
  const got = actual as Record<string, unknown>;
  for (const [field, want] of Object.entries(expected)) expect.soft(got[field], `${label}.${field}`).toEqual(want);
}
