import { newUser } from '../../helpers/factories.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RawInput } from '../../helpers/api.js';
import { type ValidRequest, validRequests } from '../../helpers/valid-requests.js';
import { useStack } from '../../helpers/stack.js';
import { routeList, type RouteId, type RouteSpec } from '../../src/contract/routes.js';
import { casesFor, sample, slotsOf, type FieldSlot, type HostileCase } from './corpus.js';

// The hostile-input corpus walked over every field of every route that takes input: never a 5xx (the
// client fails on one), every refusal a 4xx in the envelope naming the field, nothing accepted altered.
// Bounded: per field a seeded sample of the cases that apply to it (the run's seed replays it).
const stack = useStack();
const PER_FIELD = 3;
const ZONE = 'America/Argentina/ComodRivadavia';

type Base = ValidRequest;
let base: (route: RouteId) => Base;
/** How the target spells ZONE back (its canonical name), where it has a route that answers a zone. */
let canonicalZone: string | undefined;

beforeAll(async () => {
  base = await validRequests(stack);
  if (stack.api.offers('createUser')) canonicalZone = (await newUser(stack.api, { timezone: ZONE })).got.timezone;
});

const PLACEHOLDER = '"\u2063hostile\u2063"';

function request(b: Base, slot: FieldSlot, c: HostileCase): RawInput {
  const input: RawInput = { params: { ...b.params }, query: { ...b.query } };
  if (slot.where === 'params') input.params![slot.field] = c.value as string;
  if (slot.where === 'query') input.query![slot.field] = c.value;
  if (slot.where !== 'body') return { ...input, ...(b.body && { body: b.body }) };
  if (c.raw) {
    return {
      ...input,
      rawBody: JSON.stringify({ ...b.body, [slot.field]: JSON.parse(PLACEHOLDER) }).replace(PLACEHOLDER, c.value as string),
    };
  }
  return { ...input, body: { ...b.body, [slot.field]: c.value } };
}

const names = (paths: string[], field: string) => paths.some((p) => p === field || p.startsWith(`${field}.`));

/** Routes whose answer is the object the body wrote (elsewhere a field of the same name may be, say, the model's reply). */
const ECHOES = new Set<RouteId>(['createUser', 'createTopic', 'createEntry', 'updateEntry', 'createSession']);

const walked = routeList.filter((r) => r.params || r.querystring || r.body);

// Behaviour level: any deployment owes "never a 5xx (the client fails on one), every refusal a 4xx naming
// the field, a value its own document forbids refused, nothing accepted altered". Which values must be
// refused is our contract's corpus expectation under the strict level and the target's own document under
// the behaviour level (ApiClient.mustReject).
describe('the hostile-input corpus on every route', () => {
  it('every route that takes input has a base request and at least one field with cases', { meta: { level: 'self' } }, async () => {
    for (const r of walked) {
      expect(base(r.operationId as RouteId), r.operationId).toBeDefined();
      expect(
        slotsOf(r).some((s) => casesFor(s, ZONE).length > 0),
        r.operationId,
      ).toBe(true);
    }
  });

  for (const spec of walked as RouteSpec[]) {
    it(`${spec.method} ${spec.path}`, async (ctx) => {
      const id = spec.operationId as RouteId;
      if (!stack.api.offers(id)) {
        const why = `the target's own document has no ${spec.method} ${spec.path}`;
        console.warn(`[journal-suite] skipped "${ctx.task.name}": ${why}`);
        ctx.skip(why);
      }
      const strict = stack.api.conformance === 'strict';
      const seed = stack.info.seed;
      let sent = 0;
      for (const [i, slot] of slotsOf(spec).entries()) {
        for (const c of sample(casesFor(slot, ZONE), PER_FIELD, seed + i)) {
          const what = `${id} ${slot.where}.${slot.field} ← ${c.kind} (seed ${seed})`;
          // A 5xx or a body outside the envelope fails inside the client, naming the route.
          const input = request(base(id), slot, c);
          const out = await stack.api.raw(id, input);
          sent++;
          // Strict: our corpus says what must be refused. Behaviour: what the target's own document forbids.
          const mustRefuse = strict ? c.expect === 'refuse' : stack.api.mustReject(id, slot.where, slot.field, c.value);
          if (!out.ok) {
            if (strict) expect.soft(c.expect, `${what}: refused ${out.status} ${JSON.stringify(out.body)}`).not.toBe('accept');
            expect.soft(out.status, what).toBeGreaterThanOrEqual(400);
            expect.soft(out.status, what).toBeLessThan(500);
            // Behaviour: a path id the target's own document allows (any string) that names nothing is a
            // plain 404; only a refusal of the value itself must name the field.
            if (!strict && slot.where === 'params' && out.status === 404 && !mustRefuse) continue;
            expect
              .soft(
                names(
                  out.body.details.map((d) => d.path),
                  slot.field,
                ),
                `${what}: ${JSON.stringify(out.body)}`,
              )
              .toBe(true);
            continue;
          }
          expect.soft(mustRefuse, `${what}: accepted ${out.status}`).toBe(false);
          const answer = out.body as Record<string, unknown>;
          if (slot.kind === 'zone') {
            if (canonicalZone && answer && typeof answer === 'object' && 'timezone' in answer)
              expect.soft(answer.timezone, what).toBe(canonicalZone);
          } else if (
            slot.where === 'body' &&
            !c.raw &&
            (strict || ECHOES.has(id)) &&
            answer &&
            typeof answer === 'object' &&
            slot.field in answer
          ) {
            // Stored and answered exactly as sent.
            expect.soft(answer[slot.field], what).toEqual(c.value);
          }
        }
      }
      expect(sent).toBeGreaterThan(0);
    });
  }
});
