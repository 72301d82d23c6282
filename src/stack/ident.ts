/**
 * A double-quoted SQL identifier. Database names come from tests and env, so they are quoted rather
 * than validated against a pattern; names PostgreSQL would silently truncate are refused instead, since
 * two long names could otherwise end up as the same database.
 */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error('an SQL identifier cannot be empty');
  if (name.includes('\0')) throw new Error('an SQL identifier cannot contain NUL');
  if (Buffer.byteLength(name, 'utf8') > 63) throw new Error(`identifier longer than 63 bytes: ${name}`);
  return `"${name.replaceAll('"', '""')}"`;
}
