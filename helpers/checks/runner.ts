import { type CheckExchange, type CheckName, CHECK_NAMES, type CheckResult, type Judgement, Tally } from './catalogue.js';
import type { OpenApi, Operation } from './document.js';
import { CaseGenerator, type Overrides, type RequestCase } from './generate.js';
import { SchemaValidator } from './validator.js';

export interface RunOptions {
  /** The deployment's origin (its document's paths, after the document's server path, are appended). */
  baseUrl: string;
  document: OpenApi;
  seed: number;
  /** Positive and negative cases per operation (the first two positive ones are boundary cases). */
  cases: number;
  checks?: readonly CheckName[];
  /** Values for fields of this name wherever they appear (e.g. `user_id`: a user made the target's own way). */
  overrides?: Overrides;
  fetch?: typeof fetch;
}

export interface CheckReport {
  results: CheckResult[];
  /** Requests sent, and how long the run took. */
  requests: number;
  ms: number;
  /** Requests and milliseconds per operation, slowest first (where the run's time goes). */
  perOperation: { operation: string; requests: number; ms: number }[];
}

const trim = (p: string) => p.replace(/\/+$/, '');
const segments = (p: string) => trim(p).split('/').slice(1);
const isParam = (s: string) => /^\{.+\}$/.test(s);

/**
 * A resource the document lets one create: a POST on a collection path (no parameter after it), read back
 * at the collection path plus one parameter. Its links come from the document's own shape and names: a path
 * parameter right after the collection segment is its id, and a parameter or field named `<singular>_id`
 * (`entry_id`, `session_id`, `topic_id`) is an id of the collection whose last segment is that word's plural.
 */
interface Kind {
  collection: string;
  create: Operation;
  /** The operations under `collection/{x}` and `collection/{x}/...`, by method and rest of the path. */
  item?: { get?: Operation; update?: Operation; delete?: Operation };
  word: string;
}

function plurals(word: string): string[] {
  return [word, `${word}s`, `${word}es`, word.replace(/y$/, 'ies')];
}

export class Links {
  readonly kinds: Kind[] = [];

  constructor(readonly doc: OpenApi) {
    for (const create of doc.operations) {
      if (create.method !== 'POST') continue;
      const segs = segments(create.path);
      if (segs.length === 0 || segs.some(isParam)) continue;
      const collection = trim(create.path);
      const itemOps = doc.operations.filter((o) => {
        const s = segments(o.path);
        return s.length === segs.length + 1 && isParam(s.at(-1)!) && trim(o.path).startsWith(`${collection}/`);
      });
      if (itemOps.length === 0) continue;
      this.kinds.push({
        collection,
        create,
        word: segs.at(-1)!,
        item: {
          get: itemOps.find((o) => o.method === 'GET'),
          update: itemOps.find((o) => o.method === 'PUT') ?? itemOps.find((o) => o.method === 'PATCH'),
          delete: itemOps.find((o) => o.method === 'DELETE'),
        },
      });
    }
  }

  /** The kind a field or path parameter names, if any. */
  kindOf(op: Operation, name: string, where: 'path' | 'field'): Kind | undefined {
    if (where === 'path') {
      const segs = segments(op.path);
      const at = segs.indexOf(`{${name}}`);
      const prefix = `/${segs.slice(0, at).join('/')}`;
      const byPlace = this.kinds.find((k) => k.collection === prefix);
      if (byPlace) return byPlace;
    }
    const m = /^(.+)_id$/.exec(name);
    if (!m) return undefined;
    return this.kinds.find((k) => plurals(m[1]!).includes(k.word));
  }

  /** The id of a created resource in a create's answer: `id`, or `<singular>_id`. */
  idIn(kind: Kind, body: unknown): string | undefined {
    if (!body || typeof body !== 'object') return undefined;
    const o = body as Record<string, unknown>;
    for (const key of ['id', ...plurals(kind.word).map((w) => `${w.replace(/s$/, '')}_id`)])
      if (typeof o[key] === 'string') return o[key] as string;
    return undefined;
  }
}

/** An answer as text, its headers lower-cased. */
async function exchange(fetchImpl: typeof fetch, base: string, c: RequestCase): Promise<CheckExchange> {
  let path = c.op.path;
  for (const [k, v] of Object.entries(c.path)) path = path.replace(`{${k}}`, encodeURIComponent(v));
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(c.query)) for (const one of Array.isArray(v) ? v : [v]) qs.append(k, one);
  const url = `${base}${path}${qs.size ? `?${qs}` : ''}`;
  const requestHeaders: Record<string, string> = { ...c.headers };
  let requestBody: string | undefined;
  if (c.body !== undefined) {
    requestHeaders['content-type'] = c.mediaType ?? 'application/json';
    requestBody = JSON.stringify(c.body);
  }
  const res = await fetchImpl(url, {
    method: c.op.method,
    headers: requestHeaders,
    ...(requestBody !== undefined && { body: requestBody }),
  });
  const responseBody = await res.text();
  return {
    op: c.op,
    method: c.op.method,
    url,
    requestHeaders,
    ...(requestBody !== undefined && { requestBody }),
    status: res.status,
    responseHeaders: Object.fromEntries([...res.headers].map(([k, v]) => [k.toLowerCase(), v])),
    responseBody,
  };
}

function json(e: CheckExchange): unknown {
  try {
    return JSON.parse(e.responseBody);
  } catch {
    return undefined;
  }
}

const is2xx = (s: number) => s >= 200 && s < 300;

/** Whether a JSON answer mentions this id anywhere (a list may wrap its items or page them under a key). */
function mentions(body: unknown, id: string): boolean {
  if (body === id) return true;
  if (Array.isArray(body)) return body.some((b) => mentions(b, id));
  if (body && typeof body === 'object') return Object.values(body).some((v) => mentions(v, id));
  return false;
}

/** Safe to repeat on one shared resource: a read or an update. A POST or DELETE on an item gets a fresh one. */
const usesFresh = (op: Operation) => op.method === 'DELETE' || op.method === 'POST';

/**
 * Runs the catalogue against one deployment: positive and negative cases for every operation of its
 * document, then the stateful sequences; every answer of every phase goes through the response checks.
 */
export async function runChecks(opts: RunOptions): Promise<CheckReport> {
  const started = performance.now();
  const { document: doc } = opts;
  const fetchImpl = opts.fetch ?? fetch;
  const base = trim(opts.baseUrl) + doc.basePath;
  const validator = new SchemaValidator({ dialect: doc.dialect, formats: true });
  const gen = new CaseGenerator(validator, opts.seed, doc.dialect);
  const tally = new Tally(opts.checks ?? CHECK_NAMES);
  const links = new Links(doc);
  const userOverrides = opts.overrides ?? {};
  const shared = new Map<Kind, string>();
  let requests = 0;
  // Case numbers for requests made outside the per-operation loop (fixtures, sequences): each its own, so
  // no two requests share generated values such as an idempotency key.
  let extraCase = 1000;
  const nextCase = () => extraCase++;
  const perOperation = new Map<string, { operation: string; requests: number; ms: number }>();

  const send = async (c: RequestCase): Promise<CheckExchange> => {
    requests++;
    const t0 = performance.now();
    const e = await exchange(fetchImpl, base, c);
    const stat = perOperation.get(c.op.id) ?? { operation: c.op.id, requests: 0, ms: 0 };
    stat.requests++;
    stat.ms += performance.now() - t0;
    perOperation.set(c.op.id, stat);
    tally.judgeResponse(e, validator);
    return e;
  };

  /** A new resource of this kind, made with a valid generated body (a few tries): its id, or why not. */
  const provision = async (kind: Kind, depth: number): Promise<string | { why: string }> => {
    let why = 'no attempt';
    for (let attempt = 0; attempt < 4; attempt++) {
      const overrides = await overridesFor(kind.create, depth + 1);
      if ('why' in overrides) return { why: String(overrides.why) };
      const c = gen.positive(kind.create, nextCase(), overrides);
      if ('unchecked' in c) return { why: c.unchecked };
      const e = await send(c);
      judgeAcceptance(e, c);
      const id = is2xx(e.status) ? links.idIn(kind, json(e)) : undefined;
      // A fixture is read back by the case that asked for it; availability is judged on the phases' own creates.
      if (id) return id;
      why = `${kind.create.id} answered ${e.status}${is2xx(e.status) ? ' without an id' : ''}`;
    }
    return { why };
  };

  /** The ids a case needs: the caller's values, then a resource per linked path parameter and `<x>_id` field. */
  const overridesFor = async (op: Operation, depth = 0, fresh = usesFresh(op)): Promise<Record<string, string> | { why: string }> => {
    const out: Record<string, string> = { ...userOverrides };
    if (depth > 3) return out;
    const fields = new Set<string>();
    for (const p of op.parameters) if (p.in !== 'header') fields.add(`${p.in === 'path' ? 'path' : 'field'}:${p.name}`);
    const body = Object.values(op.requestBody?.content ?? {})[0]?.schema;
    for (const name of Object.keys((body?.properties as object | undefined) ?? {})) fields.add(`field:${name}`);
    for (const f of fields) {
      const [where, name] = f.split(':') as ['path' | 'field', string];
      if (name in out) continue;
      const kind = links.kindOf(op, name, where);
      if (!kind) continue;
      // A resource never mints ids for its own create (no entry_id on the entry route).
      if (kind.create === op && where === 'field') continue;
      if (where === 'path' && fresh) {
        const id = await provision(kind, depth);
        if (typeof id !== 'string') return { why: `a ${kind.word} for {${name}}: ${id.why}` };
        out[name] = id;
        continue;
      }
      let id = shared.get(kind);
      if (!id) {
        const made = await provision(kind, depth);
        if (typeof made !== 'string') {
          if (where === 'path') return { why: `a ${kind.word} for {${name}}: ${made.why}` };
          continue;
        }
        id = made;
        shared.set(kind, id);
      }
      out[name] = id;
    }
    return out;
  };

  const judgeAcceptance = (e: CheckExchange, c: RequestCase) => {
    tally.add(
      'positive_data_acceptance',
      c.op,
      is2xx(e.status) ? { kind: 'pass' } : { kind: 'fail', message: `valid by the document (${c.note}) but answered ${e.status}` },
      e,
    );
  };

  const itemCase = (op: Operation, id: string, overrides: Overrides): RequestCase | undefined => {
    const param = op.parameters.find((p) => p.in === 'path' && op.path.endsWith(`{${p.name}}`))?.name;
    const c = gen.positive(op, 0, { ...overrides, ...(param && { [param]: id }) });
    return 'unchecked' in c ? undefined : c;
  };

  /** The reads of a resource: its item route and every GET whose path parameters all name it. */
  const readsOf = (kind: Kind): { op: Operation; param: string }[] =>
    doc.operations.flatMap((op) => {
      if (op.method !== 'GET') return [];
      const params = op.parameters.filter((p) => p.in === 'path');
      if (params.length !== 1 || links.kindOf(op, params[0]!.name, 'path') !== kind) return [];
      return [{ op, param: params[0]!.name }];
    });

  const readAt = async (read: { op: Operation; param: string }, id: string): Promise<CheckExchange | undefined> => {
    const c = gen.positive(read.op, 0, { ...userOverrides, [read.param]: id });
    return 'unchecked' in c ? undefined : send(c);
  };

  const availability = async (kind: Kind, id: string) => {
    const get = kind.item?.get;
    if (!get || !tally.has('ensure_resource_availability')) return;
    const e = await readAt({ op: get, param: get.parameters.find((p) => p.in === 'path')!.name }, id);
    if (!e) return;
    const j: Judgement = is2xx(e.status)
      ? { kind: 'pass' }
      : { kind: 'fail', message: `created by ${kind.create.id} (id ${id}) but ${get.id} answered ${e.status}` };
    tally.add('ensure_resource_availability', get, j, e);
  };

  const afterDelete = async (kind: Kind, id: string): Promise<CheckExchange[]> => {
    const out: CheckExchange[] = [];
    for (const read of readsOf(kind)) {
      const e = await readAt(read, id);
      if (!e) continue;
      out.push(e);
      tally.add(
        'use_after_free',
        read.op,
        is2xx(e.status)
          ? { kind: 'fail', message: `${kind.word} ${id} was deleted (2xx) but ${read.op.id} answered ${e.status}` }
          : { kind: 'pass' },
        e,
      );
    }
    return out;
  };

  const kindOfItem = (op: Operation) => links.kinds.find((k) => k.item?.delete === op || k.item?.get === op || k.item?.update === op);

  // Positive phase: creates first (they make what later operations read), deletes last.
  const rank = (op: Operation) =>
    op.method === 'DELETE' ? 4 : op.method === 'POST' && op.path.includes('{') ? 3 : op.method === 'POST' ? 0 : op.method === 'GET' ? 1 : 2;
  const ordered = [...doc.operations].sort((a, b) => rank(a) - rank(b));
  if (tally.has('positive_data_acceptance') || CHECK_NAMES.some((n) => tally.has(n))) {
    for (const op of ordered) {
      for (let i = 0; i < opts.cases; i++) {
        const overrides = await overridesFor(op);
        if ('why' in overrides) {
          tally.add('positive_data_acceptance', op, { kind: 'unchecked', reason: overrides.why });
          continue;
        }
        const c = gen.positive(op, i, overrides);
        if ('unchecked' in c) {
          tally.add('positive_data_acceptance', op, { kind: 'unchecked', reason: c.unchecked });
          continue;
        }
        const e = await send(c);
        judgeAcceptance(e, c);
        if (!is2xx(e.status)) continue;
        const created = links.kinds.find((k) => k.create === op);
        const createdId = created && links.idIn(created, json(e));
        if (created && createdId) await availability(created, createdId);
        const deleted = op.method === 'DELETE' ? kindOfItem(op) : undefined;
        const deletedId = deleted && Object.values(c.path)[0];
        if (deleted && deletedId && tally.has('use_after_free')) await afterDelete(deleted, deletedId);
      }
    }
  }

  // Negative phase: each case wrong in one place, the rest valid (real ids), so only that fault can explain a 4xx.
  for (const op of doc.operations) {
    for (let i = 0; i < opts.cases; i++) {
      const overrides = await overridesFor(op);
      if ('why' in overrides) {
        tally.add('negative_data_rejection', op, { kind: 'unchecked', reason: overrides.why });
        continue;
      }
      const c = gen.negative(op, i, overrides);
      if (c === null) break;
      if ('unchecked' in c) {
        tally.add('negative_data_rejection', op, { kind: 'unchecked', reason: c.unchecked });
        continue;
      }
      const e = await send(c);
      tally.add(
        'negative_data_rejection',
        op,
        e.status >= 400 && e.status < 500
          ? { kind: 'pass' }
          : { kind: 'fail', message: `invalid by the document (${c.note}) but answered ${e.status}` },
        e,
      );
    }
  }

  // Stateful phase: one sequence per resource the document lets one create and read back.
  if (tally.has('stateful_sequences') || tally.has('use_after_free') || tally.has('ensure_resource_availability')) {
    for (const kind of links.kinds) {
      const step = (op: Operation, ok: boolean, message: string, e: CheckExchange) =>
        tally.add('stateful_sequences', op, ok ? { kind: 'pass' } : { kind: 'fail', message: `${kind.word}: ${message}` }, e);
      const overrides = await overridesFor(kind.create, 0, false);
      if ('why' in overrides) {
        tally.add('stateful_sequences', kind.create, { kind: 'unchecked', reason: overrides.why });
        continue;
      }
      const c = gen.positive(kind.create, nextCase(), overrides);
      if ('unchecked' in c) {
        tally.add('stateful_sequences', kind.create, { kind: 'unchecked', reason: c.unchecked });
        continue;
      }
      const made = await send(c);
      judgeAcceptance(made, c);
      const id = is2xx(made.status) ? links.idIn(kind, json(made)) : undefined;
      step(kind.create, id !== undefined, `create answered ${made.status}${is2xx(made.status) ? ' without an id' : ''}`, made);
      if (!id) continue;
      await availability(kind, id);
      // Read across routes: the item and every read its id opens.
      for (const read of readsOf(kind)) {
        const e = await readAt(read, id);
        if (e)
          step(read.op, is2xx(e.status) && (read.op !== kind.item?.get || mentions(json(e), id)), `read of ${id} answered ${e.status}`, e);
      }
      // List: the collection's GET (its required fields filled, no paging asked) mentions the new id.
      const list = doc.operations.find((o) => o.method === 'GET' && trim(o.path) === kind.collection);
      const listed = async (): Promise<{ e: CheckExchange; has: boolean } | undefined> => {
        if (!list) return undefined;
        const lc = gen.positive(list, 0, userOverrides);
        if ('unchecked' in lc) return undefined;
        const e = await send(lc);
        return { e, has: mentions(json(e), id) };
      };
      const before = await listed();
      if (before)
        step(
          list!,
          is2xx(before.e.status) && before.has,
          `the list answered ${before.e.status} ${before.has ? 'with' : 'without'} ${id}`,
          before.e,
        );
      // Sub-resources: a POST under the item (`/sessions/{id}/messages`) then its GET lists what it made.
      for (const sub of doc.operations.filter((o) => o.method === 'POST' && readsOf(kind).some((r) => r.op.path === o.path))) {
        const param = sub.parameters.find((p) => p.in === 'path')!.name;
        const sc = gen.positive(sub, nextCase(), { ...overrides, [param]: id });
        if ('unchecked' in sc) continue;
        const e = await send(sc);
        judgeAcceptance(e, sc);
        const subId = (json(e) as { id?: unknown } | undefined)?.id;
        step(sub, is2xx(e.status), `${sub.id} answered ${e.status}`, e);
        const read = readsOf(kind).find((r) => r.op.path === sub.path);
        if (read && typeof subId === 'string' && is2xx(e.status)) {
          const r = await readAt(read, id);
          if (r)
            step(
              read.op,
              is2xx(r.status) && mentions(json(r), subId),
              `${read.op.id} after the POST does not list ${subId} (${r.status})`,
              r,
            );
        }
      }
      const update = kind.item?.update;
      if (update) {
        const uc = itemCase(update, id, overrides);
        if (uc) {
          uc.note = 'update in a sequence';
          const e = await send(uc);
          judgeAcceptance(e, uc);
          step(update, is2xx(e.status), `update answered ${e.status}`, e);
        }
      }
      const del = kind.item?.delete;
      if (!del) continue;
      const dc = itemCase(del, id, overrides);
      if (!dc) continue;
      const gone = await send(dc);
      step(del, is2xx(gone.status), `delete answered ${gone.status}`, gone);
      if (!is2xx(gone.status)) continue;
      for (const e of await afterDelete(kind, id)) step(e.op, !is2xx(e.status), `read after delete answered ${e.status}`, e);
      const after = await listed();
      if (after)
        step(
          list!,
          is2xx(after.e.status) && !after.has,
          `the list after delete answered ${after.e.status} ${after.has ? 'still with' : 'without'} ${id}`,
          after.e,
        );
    }
  }

  return {
    results: tally.finish(),
    requests,
    ms: Math.round(performance.now() - started),
    perOperation: [...perOperation.values()].map((p) => ({ ...p, ms: Math.round(p.ms) })).sort((a, b) => b.ms - a.ms),
  };
}
