import { sql, type Kysely } from 'kysely';
import { canonicalTimeZone } from '../../domain/calendar.js';

// Users stored before time zones were canonicalised on input keep the spelling they were sent with
// (`europe/BERLIN`), which analytics would answer as is and which keys a formatter of its own. Rewrite each
// distinct stored spelling to its canonical name once; a spelling the zone list does not know is left
// untouched (the input rule refuses such zones, so none can be new; analytics still compute with it).
// The canonical name is the zone database's spelling of the name stored (issue 16 row 1). Until then it
// was ICU's id, so a database migrated earlier may hold `Europe/Kiev` where a client sent `europe/kyiv`:
// the same zone, and no row says which name was sent, so nothing rewrites it back.
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ timezone: string }>`SELECT DISTINCT timezone FROM users`.execute(db);
  for (const { timezone } of rows) {
    const canonical = canonicalTimeZone(timezone);
    if (canonical && canonical !== timezone) {
      await sql`UPDATE users SET timezone = ${canonical} WHERE timezone = ${timezone}`.execute(db);
    }
  }
}

// Data only: the old spellings are not kept, and canonical ones are as valid for the old code.
export async function down(): Promise<void> {}
