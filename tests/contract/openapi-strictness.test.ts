import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { newEntry, newSession, newTopic, newUser } from '../../helpers/factories.js';
import { useStack } from '../../helpers/stack.js';

// Issue 14 item 1, "the document is the contract": a schema fuzzer found requests valid by docs/openapi.json
// that the server refused (content "", PUT {}, date_from=abc, tz=0). Here each rule's boundary inputs are
// judged twice, by a kept JSON Schema validator (ajv + ajv-formats) against the checked-in document and by
// the server: document-valid ⇔ 2xx, document-invalid ⇔ 4xx naming the very fields the validator names.
// Rules JSON Schema cannot state (the server's clock, other rows, the wire rules for every key) are in the
// operation's description; the second table holds each against the server and the description.
const stack = useStack();

type Json = Record<string, unknown>;
const DOC = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as Json;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
ajv.addSchema(DOC, 'openapi.json');

type Method = 'get' | 'post' | 'put' | 'delete';
interface Operation {
  description?: string;
  parameters: { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: Json }[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}
const operation = (method: Method, path: string): Operation => {
  const op = (DOC.paths as Record<string, Record<string, Operation>>)[path]?.[method];
  if (!op) throw new Error(`the document has no ${method} ${path}`);
  return op;
};

// A JSON pointer into the document, as ajv resolves `openapi.json#/...`.
const pointer = (...parts: (string | number)[]) =>
  `openapi.json#/${parts.map((p) => encodeURIComponent(String(p).replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
const compiled = new Map<string, ValidateFunction>();
function validator(ref: string): ValidateFunction {
  let v = compiled.get(ref);
  if (!v) {
    v = ajv.compile({ $ref: ref });
    compiled.set(ref, v);
  }
  return v;
}
const resolve = (schema: Json): Json =>
  typeof schema.$ref === 'string' ? resolve(ajv.getSchema(`openapi.json${schema.$ref}`)?.schema as Json) : schema;

/**
 * The top-level fields a failed body names, as a reader of ajv's errors would: the first segment of each
 * error's instance path, or a missing required property. Errors inside the alternatives of the body's own
 * anyOf (the update's "one field with a value") are about the body as a whole, as is an error at its root.
 */
function bodyFields(errors: ErrorObject[]): string[] {
  const named = new Set<string>();
  for (const e of errors) {
    if (e.schemaPath.startsWith('#/anyOf/')) continue;
    const first = e.instancePath.split('/')[1];
    if (first !== undefined) named.add(first.replace(/~1/g, '/').replace(/~0/g, '~'));
    else if (e.keyword === 'required') named.add(String((e.params as { missingProperty: string }).missingProperty));
  }
  return named.size > 0 ? [...named] : ['body'];
}

interface WireRequest {
  method: Method;
  /** The document's path template. */
  path: string;
  params?: Record<string, string>;
  /** Raw query values, sent as written (percent-encoded only where URL syntax needs it). */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * The document's verdict on a request, as an OpenAPI validator reads one: each parameter's string is
 * deserialised as its schema's type says (an integer is its decimal digits, as a client serialises one;
 * other text is not an integer) and validated; the body against the request body's schema.
 */
function documentVerdict(req: WireRequest): { valid: boolean; fields: string[] } {
  const op = operation(req.method, req.path);
  const fields = new Set<string>();
  op.parameters.forEach((p, i) => {
    const raw = p.in === 'path' ? req.params?.[p.name] : p.in === 'query' ? req.query?.[p.name] : req.headers?.[p.name];
    if (raw === undefined) {
      if (p.required) fields.add(p.name);
      return;
    }
    const value = resolve(p.schema).type === 'integer' && /^-?[0-9]+$/.test(raw) ? Number(raw) : raw;
    if (!validator(pointer('paths', req.path, req.method, 'parameters', i, 'schema'))(value)) fields.add(p.name);
  });
  if (op.requestBody) {
    const check = validator(pointer('paths', req.path, req.method, 'requestBody', 'content', 'application/json', 'schema'));
    if (req.body === undefined) fields.add('body');
    else if (!check(req.body)) for (const f of bodyFields(check.errors ?? [])) fields.add(f);
  }
  return { valid: fields.size === 0, fields: [...fields].sort() };
}

interface ServerAnswer {
  status: number;
  body: unknown;
  contentType: string | null;
}

async function send(req: WireRequest): Promise<ServerAnswer> {
  let path = req.path;
  for (const [k, v] of Object.entries(req.params ?? {})) path = path.replace(`{${k}}`, encodeURIComponent(v));
  const query = Object.entries(req.query ?? {})
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  const res = await fetch(`${stack.apiUrl}${path}${query ? `?${query}` : ''}`, {
    method: req.method.toUpperCase(),
    headers: { ...(req.body === undefined ? {} : { 'content-type': 'application/json' }), ...req.headers },
    ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type');
  const answer = { status: res.status, body: text === '' ? undefined : JSON.parse(text), contentType };
  // Every answer read is held against the document's schema for its status.
  const response = operation(req.method, req.path).responses[String(res.status)];
  expect(response, `${req.method} ${req.path} answered an undeclared ${res.status}: ${text.slice(0, 300)}`).toBeDefined();
  if (response?.content) {
    expect(contentType ?? '').toMatch(/^application\/json/);
    const check = validator(
      pointer('paths', req.path, req.method, 'responses', String(res.status), 'content', 'application/json', 'schema'),
    );
    expect(check(answer.body), `${res.status} body against the document: ${ajv.errorsText(check.errors)}`).toBe(true);
  } else {
    expect(text).toBe('');
    expect(contentType).toBeNull();
  }
  return answer;
}

const detailPaths = (body: unknown) => [...new Set((body as { details: { path: string }[] }).details.map((d) => d.path))].sort();
/** The top-level fields a 4xx names (`tags.0` is about `tags`), to compare with the document's. */
const namedFields = (body: unknown) => [...new Set(detailPaths(body).map((p) => p.split('.')[0]!))].sort();

interface Case {
  rule: string;
  what: string;
  valid: boolean;
  request: () => WireRequest;
}

/** What every case needs: a user, an entry, a session, a topic of another user. */
const ctx = {} as { user: string; entry: string; session: string; foreignTopic: string };

const ENTRIES = '/api/v1/entries/';
const ENTRY = '/api/v1/entries/{id}';
const USERS = '/api/v1/users/';
const WRITING = '/api/v1/entries/analytics/writing';
const SESSIONS = '/api/v1/sessions/';
const SESSION_MESSAGES = '/api/v1/sessions/{id}/messages';
const TOPICS = '/api/v1/topics/';
const CHAT = '/api/v1/chat/message';

const entryBody = (fields: Json): WireRequest => ({
  method: 'post',
  path: ENTRIES,
  body: { user_id: ctx.user, title: 'a title', content: 'some words here', ...fields },
});
const update = (body: unknown): WireRequest => ({
  method: 'put',
  path: ENTRY,
  params: { id: ctx.entry },
  query: { user_id: ctx.user },
  body,
});
const listEntries = (query: Record<string, string>): WireRequest => ({
  method: 'get',
  path: ENTRIES,
  query: { user_id: ctx.user, ...query },
});
const writing = (query: Record<string, string>): WireRequest => ({ method: 'get', path: WRITING, query: { user_id: ctx.user, ...query } });
const newUserBody = (fields: Json): WireRequest => ({ method: 'post', path: USERS, body: { username: 'strict', ...fields } });
const sessionMessage = (content: unknown): WireRequest => ({
  method: 'post',
  path: SESSION_MESSAGES,
  params: { id: ctx.session },
  body: { user_id: ctx.user, content, role: 'system' },
});

const cases: Case[] = [];
const rule = (name: string, rows: [what: string, valid: boolean, request: () => WireRequest][]) => {
  for (const [what, valid, request] of rows) cases.push({ rule: name, what, valid, request });
};

rule('entry content: at least 3 characters that are not white space, at most 50,000 characters', [
  ['content ""', false, () => entryBody({ content: '' })],
  ['content " "', false, () => entryBody({ content: ' ' })],
  ['content "ab"', false, () => entryBody({ content: 'ab' })],
  ['content " a b " (2 non-blank)', false, () => entryBody({ content: ' a b ' })],
  ['content of JavaScript white space only (NBSP, ideographic space, BOM)', false, () => entryBody({ content: '\u00a0\u3000\ufeff' })],
  ['content "😀😀" (2 characters, 4 UTF-16 units)', false, () => entryBody({ content: '😀😀' })],
  ['content "abc"', true, () => entryBody({ content: 'abc' })],
  ['content " a b c "', true, () => entryBody({ content: ' a b c ' })],
  ['content "😀😀😀"', true, () => entryBody({ content: '😀😀😀' })],
  ['content of U+001C..U+001E (not white space in JavaScript)', true, () => entryBody({ content: '\u001c\u001d\u001e' })],
  ['content of 50,000 characters', true, () => entryBody({ content: 'x'.repeat(50_000) })],
  ['content of 50,000 emoji (100,000 UTF-16 units)', true, () => entryBody({ content: '😀'.repeat(50_000) })],
  ['content of 50,001 characters', false, () => entryBody({ content: 'x'.repeat(50_001) })],
]);
rule('session and chat messages: not blank, at most 2,000 characters', [
  ['content ""', false, () => sessionMessage('')],
  ['content " "', false, () => sessionMessage(' ')],
  ['content "\\n\\t"', false, () => sessionMessage('\n\t')],
  ['content "a"', true, () => sessionMessage('a')],
  ['content of 2,000 emoji', true, () => sessionMessage('😀'.repeat(2000))],
  ['content of 2,001 characters', false, () => sessionMessage('a'.repeat(2001))],
  ['chat message " "', false, () => ({ method: 'post', path: CHAT, body: { user_id: ctx.user, message: ' ' } })],
  ['chat message "hello"', true, () => ({ method: 'post', path: CHAT, body: { user_id: ctx.user, message: 'hello' } })],
]);
rule('PUT /entries/{id}: at least one field with a value (null only counts on topic_id)', [
  ['{}', false, () => update({})],
  ['{"title": null}', false, () => update({ title: null })],
  ['{"unknown": 1}', false, () => update({ unknown: 1 })],
  ['{"topic_id": null}', true, () => update({ topic_id: null })],
  ['{"is_favorite": true}', true, () => update({ is_favorite: true })],
  ['{"title": "new"}', true, () => update({ title: 'new' })],
]);
rule('date filters: a calendar date or ISO 8601 timestamp that exists', [
  ['date_from=', false, () => listEntries({ date_from: '' })],
  ['date_from=abc', false, () => listEntries({ date_from: 'abc' })],
  ['date_from=2026-02-29', false, () => listEntries({ date_from: '2026-02-29' })],
  ['date_from=2100-02-29 (not a leap year)', false, () => listEntries({ date_from: '2100-02-29' })],
  ['date_from=2026-04-31', false, () => listEntries({ date_from: '2026-04-31' })],
  ['date_to=2026-01-01T24:00', false, () => listEntries({ date_to: '2026-01-01T24:00' })],
  ['date_to=2026-01-01T23:59:60', false, () => listEntries({ date_to: '2026-01-01T23:59:60' })],
  ['date_to=2026-01-01 10:00 (space)', false, () => listEntries({ date_to: '2026-01-01 10:00' })],
  ['date_to=…T10:00:00.1234567890Z (10 fraction digits)', false, () => listEntries({ date_to: '2026-01-01T10:00:00.1234567890Z' })],
  ['date_to=…T10:00+24:00', false, () => listEntries({ date_to: '2026-01-01T10:00+24:00' })],
  ['date_from=2024-02-29', true, () => listEntries({ date_from: '2024-02-29' })],
  ['date_from=2000-02-29', true, () => listEntries({ date_from: '2000-02-29' })],
  ['date_to=2026-01-01T23:59', true, () => listEntries({ date_to: '2026-01-01T23:59' })],
  ['date_to=…T10:00:00.123456789+05:30', true, () => listEntries({ date_to: '2026-01-01T10:00:00.123456789+05:30' })],
  ['date_to=…T10:00+0530', true, () => listEntries({ date_to: '2026-01-01T10:00+0530' })],
  [
    'sessions date_from=2026-13-01',
    false,
    () => ({ method: 'get', path: SESSIONS, query: { user_id: ctx.user, date_from: '2026-13-01' } }),
  ],
  ['sessions date_to=2026-12-31', true, () => ({ method: 'get', path: SESSIONS, query: { user_id: ctx.user, date_to: '2026-12-31' } })],
]);
rule('timestamps in bodies: ISO 8601 that exist, the offset optional', [
  ['created_at 2026-02-30T10:00:00', false, () => entryBody({ created_at: '2026-02-30T10:00:00' })],
  ['created_at 2020-02-29T10:00:00 (naive)', true, () => entryBody({ created_at: '2020-02-29T10:00:00' })],
  ['created_at 2020-02-29 (no time)', false, () => entryBody({ created_at: '2020-02-29' })],
]);
rule('time zones: a name of the zone database, in any letter case', [
  ['timezone "0"', false, () => newUserBody({ timezone: '0' })],
  ['timezone ""', false, () => newUserBody({ timezone: '' })],
  ['timezone "Factory" (listed, but no zone)', false, () => newUserBody({ timezone: 'Factory' })],
  ['timezone "AET" (an ICU id, not IANA)', false, () => newUserBody({ timezone: 'AET' })],
  ['timezone "Europe/Kyiv " (trailing space)', false, () => newUserBody({ timezone: 'Europe/Kyiv ' })],
  ['timezone "Europe/Kyiv"', true, () => newUserBody({ timezone: 'Europe/Kyiv' })],
  ['timezone "europe/KYIV"', true, () => newUserBody({ timezone: 'europe/KYIV' })],
  ['timezone "US/Pacific" (a link)', true, () => newUserBody({ timezone: 'US/Pacific' })],
  ['timezone "etc/gmt+5"', true, () => newUserBody({ timezone: 'etc/gmt+5' })],
  ['tz=0', false, () => writing({ tz: '0' })],
  ['tz=+01:00', false, () => writing({ tz: '+01:00' })],
  ['tz=asia/kolkata', true, () => writing({ tz: 'asia/kolkata' })],
]);
rule('query integers: decimal digits in range', [
  ['days=0x10', false, () => writing({ days: '0x10' })],
  ['days=1e1', false, () => writing({ days: '1e1' })],
  ['days=+10', false, () => writing({ days: '+10' })],
  ['days=" 10"', false, () => writing({ days: ' 10' })],
  ['days=10.0', false, () => writing({ days: '10.0' })],
  ['days=', false, () => writing({ days: '' })],
  ['days=6', false, () => writing({ days: '6' })],
  ['days=366', false, () => writing({ days: '366' })],
  ['days=7', true, () => writing({ days: '7' })],
  ['days=365', true, () => writing({ days: '365' })],
  ['days=010', true, () => writing({ days: '010' })],
  ['limit=0', false, () => listEntries({ limit: '0' })],
  ['limit=1001', false, () => listEntries({ limit: '1001' })],
  ['limit=1000', true, () => listEntries({ limit: '1000' })],
  ['skip=-1', false, () => listEntries({ skip: '-1' })],
  ['skip=0', true, () => listEntries({ skip: '0' })],
]);
rule('lengths in characters (code points), names not blank', [
  ['title of 200 characters', true, () => entryBody({ title: 'x'.repeat(200) })],
  ['title of 200 emoji', true, () => entryBody({ title: '😀'.repeat(200) })],
  ['title of 201 characters', false, () => entryBody({ title: 'x'.repeat(201) })],
  ['tags [""]', false, () => entryBody({ tags: [''] })],
  ['a tag of 50 characters', true, () => entryBody({ tags: ['t'.repeat(50)] })],
  ['a tag of 51 characters', false, () => entryBody({ tags: ['t'.repeat(51)] })],
  ['51 tags', false, () => entryBody({ tags: Array.from({ length: 51 }, (_, i) => `t${i}`) })],
  ['topic name "   "', false, () => ({ method: 'post', path: TOPICS, body: { user_id: ctx.user, name: '   ' } })],
  [
    'topic name " " + 99 × x (100)',
    true,
    () => ({ method: 'post', path: TOPICS, body: { user_id: ctx.user, name: ` ${'x'.repeat(99)}` } }),
  ],
  [
    'topic name " " + 100 × x (101)',
    false,
    () => ({ method: 'post', path: TOPICS, body: { user_id: ctx.user, name: ` ${'x'.repeat(100)}` } }),
  ],
  ['username ""', false, () => newUserBody({ username: '' })],
  ['username of 101 characters', false, () => newUserBody({ username: 'u'.repeat(101) })],
  ['Idempotency-Key of 200 characters', true, () => ({ ...entryBody({}), headers: { 'idempotency-key': 'k'.repeat(200) } })],
  ['Idempotency-Key of 201 characters', false, () => ({ ...entryBody({}), headers: { 'idempotency-key': 'k'.repeat(201) } })],
]);
rule('ids, enums and patterns', [
  ['user_id=not-a-uuid', false, () => listEntries({ user_id: 'not-a-uuid' })],
  ['user_id=urn:uuid:…', false, () => listEntries({ user_id: `urn:uuid:${ctx.user}` })],
  ['user_id in capitals', true, () => listEntries({ user_id: ctx.user.toUpperCase() })],
  ['mood_filter=happy', false, () => listEntries({ mood_filter: 'happy' })],
  ['mood_filter=positive', true, () => listEntries({ mood_filter: 'positive' })],
  ['color "blue"', false, () => ({ method: 'post', path: TOPICS, body: { user_id: ctx.user, name: 'c1', color: 'blue' } })],
  ['color "#3b82f6"', true, () => ({ method: 'post', path: TOPICS, body: { user_id: ctx.user, name: 'c2', color: '#3b82f6' } })],
  ['entry_type "diary"', false, () => entryBody({ entry_type: 'diary' })],
]);

describe('the document rejects exactly what the server rejects', { meta: { level: 'strict' } }, () => {
  beforeAll(async () => {
    const { got: user } = await newUser(stack.api);
    const { got: other } = await newUser(stack.api);
    ctx.user = user.id;
    ctx.entry = (await newEntry(stack.api, user)).got.id;
    ctx.session = (await newSession(stack.api, user)).got.id;
    ctx.foreignTopic = (await newTopic(stack.api, other)).got.id;
  });

  for (const name of new Set(cases.map((c) => c.rule))) {
    it(name, async () => {
      for (const c of cases.filter((x) => x.rule === name)) {
        const req = c.request();
        const doc = documentVerdict(req);
        expect(doc.valid, `${c.what}: the document says ${doc.valid ? 'valid' : `invalid (${doc.fields})`}`).toBe(c.valid);
        const answer = await send(req);
        if (c.valid) {
          expect(answer.status, `${c.what}: ${JSON.stringify(answer.body)?.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
          expect(answer.status, `${c.what}: ${JSON.stringify(answer.body)?.slice(0, 300)}`).toBeLessThan(300);
        } else {
          expect(answer.status, c.what).toBe(422);
          expect(namedFields(answer.body), `${c.what}: the server names what the document names`).toEqual(doc.fields);
        }
      }
    });
  }
});

// Rules JSON Schema cannot state: the document says them in words, the server holds them.
const described: { what: string; where: string; phrase: RegExp; field: string; request: () => WireRequest }[] = [
  {
    what: 'created_at an hour in the future',
    where: 'createEntry',
    phrase: /a minute after the server's clock/,
    field: 'created_at',
    request: () => entryBody({ created_at: new Date(Date.now() + 3_600_000).toISOString() }),
  },
  {
    what: 'created_at before 1900',
    where: 'createEntry',
    phrase: /before 1900-01-01T00:00:00Z/,
    field: 'created_at',
    request: () => entryBody({ created_at: '1899-12-31T23:59:59Z' }),
  },
  {
    what: "topic_id of another user's topic",
    where: 'createEntry',
    phrase: /must be one of the same user's topics/,
    field: 'topic_id',
    request: () => entryBody({ topic_id: ctx.foreignTopic }),
  },
  {
    what: 'NUL in a title',
    where: 'createEntry',
    phrase: /NUL \(U\+0000\)/,
    field: 'title',
    request: () => entryBody({ title: 'a\u0000b' }),
  },
  {
    what: 'a lone surrogate in a metadata key',
    where: 'createSession',
    phrase: /lone surrogate/,
    field: 'metadata.\\ud800',
    request: () => ({ method: 'post', path: SESSIONS, body: { user_id: ctx.user, session_type: 'free_chat', metadata: { '\ud800': 1 } } }),
  },
  {
    what: 'a constructor key in metadata',
    where: 'createSession',
    phrase: /`constructor` are refused/,
    field: 'metadata.constructor',
    request: () => ({
      method: 'post',
      path: SESSIONS,
      body: { user_id: ctx.user, session_type: 'free_chat', metadata: { constructor: 1 } },
    }),
  },
  {
    what: 'context_metadata.timestamp an hour in the future',
    where: 'chatMessage',
    phrase: /a minute after the server's clock/,
    field: 'context_metadata.timestamp',
    request: () => ({
      method: 'post',
      path: CHAT,
      body: { user_id: ctx.user, message: 'hi', context_metadata: { timestamp: new Date(Date.now() + 3_600_000).toISOString() } },
    }),
  },
];

describe('rules the document states in words', { meta: { level: 'strict' } }, () => {
  beforeAll(async () => {
    if (ctx.user) return;
    const { got: user } = await newUser(stack.api);
    const { got: other } = await newUser(stack.api);
    ctx.user = user.id;
    ctx.foreignTopic = (await newTopic(stack.api, other)).got.id;
  });

  it('each is valid by the schemas, said in the description, and refused by the server naming its field', async () => {
    for (const d of described) {
      const req = d.request();
      const op = operation(req.method, req.path);
      expect(op.description ?? '', `${d.what}: the operation's description`).toMatch(d.phrase);
      expect(documentVerdict(req), `${d.what}: the schemas alone accept it`).toEqual({ valid: true, fields: [] });
      const answer = await send(req);
      expect(answer.status, d.what).toBe(422);
      expect(detailPaths(answer.body), d.what).toContain(d.field);
    }
  });
});

describe('the document declares what the server answers', { meta: { level: 'strict' } }, () => {
  it('DELETE answers 204 with no body and no content type, and the document declares no content for it', async () => {
    const { got: user } = await newUser(stack.api);
    const { got: entry } = await newEntry(stack.api, user);
    const { got: topic } = await newTopic(stack.api, user);
    const { got: session } = await newSession(stack.api, user);
    for (const [path, id] of [
      [ENTRY, entry.id],
      ['/api/v1/topics/{id}', topic.id],
      ['/api/v1/sessions/{id}', session.id],
    ] as const) {
      expect(operation('delete', path).responses['204']).toEqual({ description: expect.any(String) });
      // send() holds the answer against the document: no content declared, so no body and no content type.
      const answer = await send({ method: 'delete', path, params: { id }, query: { user_id: user.id } });
      expect(answer).toEqual({ status: 204, body: undefined, contentType: null });
    }
  });
});
