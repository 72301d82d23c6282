/**
 * The time zone names the service accepts: every zone and link of the IANA time zone database (the
 * `tzdata` package, one JSON file of it) that this runtime's Intl can compute with. Each is answered in
 * the spelling the database gives it, so a client's current name is kept: Node 20's ICU would file
 * `Europe/Kyiv` under its old id `Europe/Kiev` (issue 16 row 1), and which name a user chose is theirs.
 * The OpenAPI document lists the same names as the zone enum (src/contract/common.ts), so the two agree.
 */
import tzdata from 'tzdata/timezone-data.json' with { type: 'json' };

const ZONE_DATABASE = tzdata as { version: string; zones: Record<string, unknown> };

/** The IANA release the list comes from. */
export const TIME_ZONE_DATABASE_VERSION = ZONE_DATABASE.version;

// Each name is asked of Intl once, when first met (a DateTimeFormat costs about half a millisecond, so
// the whole list at start would add 0.3 s to every boot): a release of the database newer than the
// runtime's ICU may list a zone ICU cannot compute with (and `Factory` is no zone), and such a name must be
// refused, not fail later in analytics. Bounded by the list.
const COMPUTABLE = new Map<string, boolean>();
function computable(name: string): boolean {
  let ok = COMPUTABLE.get(name);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      ok = true;
    } catch {
      ok = false;
    }
    COMPUTABLE.set(name, ok);
  }
  return ok;
}

const BY_LOWER_CASE = new Map(Object.keys(ZONE_DATABASE.zones).map((name) => [name.toLowerCase(), name]));

/** The listed spelling of a zone name given in any letter case, or undefined when it is none. */
export function listedTimeZone(name: string): string | undefined {
  if (typeof name !== 'string') return undefined;
  const listed = BY_LOWER_CASE.get(name.toLowerCase());
  return listed !== undefined && computable(listed) ? listed : undefined;
}

/** Every accepted name in its listed spelling, sorted (the document's enum; asks Intl of each). */
export function timeZoneNames(): string[] {
  return [...BY_LOWER_CASE.values()].filter(computable).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
