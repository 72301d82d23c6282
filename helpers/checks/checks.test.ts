import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES, type CheckName, selectChecks } from './catalogue.js';
import { loadOpenApi } from './document.js';
import { CaseGenerator } from './generate.js';
import { runChecks } from './runner.js';
import { SchemaValidator } from './validator.js';

// The catalogue against a small fake document and a server that keeps it, then breaks it one way at a
// time: each check must pass on the keeping server and fail on the server that breaks it.

const UUID = { type: 'string', format: 'uuid' };
const NOTE = {
  type: 'object',
  properties: { id: UUID, title: { type: 'string' }, tag: { type: 'string', enum: ['a', 'b'] } },
  required: ['id', 'title'],
};
const ERROR = {
  description: 'error',
  content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } } },
};
const OWNER = { name: 'owner_id', in: 'query', required: true, schema: UUID };
const NOTE_ID = { name: 'note_id', in: 'path', required: true, schema: UUID };
const json = (schema: unknown) => ({ 'application/json': { schema } });

const FAKE_DOC = {
  openapi: '3.1.0',
  info: { title: 'notes', version: '1' },
  paths: {
    '/health': {
      get: { responses: { '200': { description: 'ok', content: json({ type: 'object', properties: { status: { const: 'ok' } } }) } } },
    },
    '/notes/': {
      post: {
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            properties: {
              owner_id: UUID,
              title: { type: 'string', minLength: 1, maxLength: 20 },
              tag: { type: 'string', enum: ['a', 'b'] },
            },
            required: ['owner_id', 'title'],
          }),
        },
        responses: {
          '201': {
            description: 'made',
            headers: { 'x-request-id': { required: true, schema: { type: 'string', minLength: 1 } } },
            content: json({ $ref: '#/components/schemas/Note' }),
          },
          '422': ERROR,
        },
      },
      get: {
        parameters: [OWNER],
        responses: {
          '200': { description: 'list', content: json({ type: 'array', items: { $ref: '#/components/schemas/Note' } }) },
          '422': ERROR,
        },
      },
    },
    '/notes/{note_id}': {
      parameters: [NOTE_ID],
      get: {
        parameters: [OWNER],
        responses: { '200': { description: 'one', content: json({ $ref: '#/components/schemas/Note' }) }, '404': ERROR, '422': ERROR },
      },
      put: {
        parameters: [OWNER],
        requestBody: {
          required: true,
          content: json({ type: 'object', properties: { title: { type: 'string', minLength: 1, maxLength: 20 } }, required: ['title'] }),
        },
        responses: { '200': { description: 'one', content: json({ $ref: '#/components/schemas/Note' }) }, '404': ERROR, '422': ERROR },
      },
      delete: { parameters: [OWNER], responses: { '204': { description: 'gone' }, '404': ERROR, '422': ERROR } },
    },
  },
  components: { schemas: { Note: NOTE } },
};

/** One way to break the document's promises; undefined keeps them all. */
type Defect =
  | 'server-error'
  | 'undeclared-status'
  | 'wrong-content-type'
  | 'off-schema-body'
  | 'missing-header'
  | 'too-strict'
  | 'too-lenient'
  | 'not-deleted'
  | 'not-stored'
  | 'not-listed';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notesServer(defect?: Defect): Server {
  const notes = new Map<string, { id: string; title: string; owner: string; tag?: string }>();
  return createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    let text = '';
    for await (const chunk of req) text += chunk;
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const bad = (why: string) => send(422, { error: why });
    const owner = url.searchParams.get('owner_id') ?? '';
    const view = (n: { id: string; title: string; tag?: string }) => ({
      id: n.id,
      title: defect === 'off-schema-body' && req.method === 'GET' ? 42 : n.title,
      ...(n.tag && { tag: n.tag }),
    });
    if (url.pathname === '/health') {
      if (defect === 'server-error') return send(500, { error: 'boom' });
      if (defect === 'wrong-content-type') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('ok');
      }
      return send(200, { status: 'ok' });
    }
    let body: Record<string, unknown> = {};
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        return bad('json');
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) return bad('body');
    }
    const titleOk = (t: unknown) =>
      typeof t === 'string' && t.length >= (defect === 'too-strict' ? 3 : 1) && (defect === 'too-lenient' || t.length <= 20);
    if (url.pathname === '/notes/') {
      if (req.method === 'POST') {
        if (!text) return bad('body');
        if (typeof body.owner_id !== 'string' || !UUID_RE.test(body.owner_id)) return bad('owner_id');
        if (!titleOk(body.title)) return bad('title');
        if (body.tag !== undefined && body.tag !== 'a' && body.tag !== 'b') return bad('tag');
        const note = {
          id: randomUUID(),
          title: body.title as string,
          owner: body.owner_id,
          ...(body.tag ? { tag: body.tag as string } : {}),
        };
        if (defect !== 'not-stored') notes.set(note.id, note);
        return send(201, view(note), defect === 'missing-header' ? {} : { 'x-request-id': randomUUID() });
      }
      if (!UUID_RE.test(owner)) return bad('owner_id');
      const mine = defect === 'not-listed' ? [] : [...notes.values()].filter((n) => n.owner === owner).map(view);
      return send(defect === 'undeclared-status' ? 206 : 200, mine);
    }
    const m = /^\/notes\/([^/]+)$/.exec(url.pathname);
    if (!m) return send(404, { error: 'route' });
    const id = decodeURIComponent(m[1]!);
    if (!UUID_RE.test(id)) return bad('note_id');
    if (!UUID_RE.test(owner)) return bad('owner_id');
    const note = notes.get(id);
    if (!note || note.owner !== owner) return send(404, { error: 'note_not_found' });
    if (req.method === 'GET') return send(200, view(note));
    if (req.method === 'PUT') {
      if (!titleOk(body.title)) return bad('title');
      note.title = body.title as string;
      return send(200, view(note));
    }
    if (req.method === 'DELETE') {
      if (defect !== 'not-deleted') notes.delete(id);
      return send(204);
    }
    return send(405, { error: 'method' });
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function verdicts(defect?: Defect) {
  const server = notesServer(defect);
  try {
    const report = await runChecks({
      baseUrl: await listen(server),
      document: await loadOpenApi(FAKE_DOC),
      seed: 7,
      cases: 3,
      overrides: { owner_id: '6f1c2a4e-0d7b-4c1e-9a55-3b2f9d8e7a10' },
    });
    return Object.fromEntries(report.results.map((r) => [r.name, r])) as Record<CheckName, (typeof report.results)[number]>;
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe('the checks catalogue on a fake document', () => {
  it('passes every check, each having judged something, on a server that keeps the document', async () => {
    const r = await verdicts();
    for (const name of CHECK_NAMES) {
      expect(r[name].failures, name).toEqual([]);
      expect(r[name].unchecked, name).toEqual([]);
      expect(r[name].verdict, name).toBe('pass');
      expect(r[name].judged, name).toBeGreaterThan(0);
    }
  });

  const cases: [CheckName, Defect, RegExp][] = [
    ['not_a_server_error', 'server-error', /answered 500/],
    ['status_code_conformance', 'undeclared-status', /answered 206; the document declares 200, 422/],
    ['content_type_conformance', 'wrong-content-type', /200 answered text\/plain; the document declares application\/json/],
    ['response_schema_conformance', 'off-schema-body', /\/title: must be string/],
    ['response_headers_conformance', 'missing-header', /required header x-request-id missing/],
    ['positive_data_acceptance', 'too-strict', /valid by the document \(.*\) but answered 422/],
    ['negative_data_rejection', 'too-lenient', /invalid by the document \(body field title="x{21}", off its schema\) but answered 20[01]/],
    ['use_after_free', 'not-deleted', /was deleted \(2xx\) but GET \/notes\/\{note_id\} answered 200/],
    ['ensure_resource_availability', 'not-stored', /created by POST \/notes\/ .* but GET \/notes\/\{note_id\} answered 404/],
    ['stateful_sequences', 'not-listed', /the list answered 200 without/],
  ];
  it.for(cases)('%s fails on a server that breaks it (%s), with the curl line that shows it', async ([name, defect, message]) => {
    const r = (await verdicts(defect))[name];
    expect(r.verdict).toBe('fail');
    expect(r.failures.map((f) => f.message).join('\n')).toMatch(message);
    expect(r.failures[0]!.curl).toMatch(/^curl -sS -i -X (GET|POST|PUT|DELETE) 'http:\/\/127\.0\.0\.1:\d+\/(notes|health)/);
    expect(r.failures[0]!.curl).toMatch(/\n# -> \d{3} /);
  });
});

describe('what cannot be read is reported, never passed', () => {
  it('a schema the validator cannot compile leaves its answers unchecked, with the reason', async () => {
    // A recursive schema: the parser leaves the cycle as a $ref, which the validator cannot resolve alone.
    const doc = structuredClone(FAKE_DOC) as unknown as { components: { schemas: Record<string, unknown> } };
    doc.components.schemas.Note = {
      ...NOTE,
      properties: { ...NOTE.properties, children: { type: 'array', items: { $ref: '#/components/schemas/Note' } } },
    };
    const server = notesServer();
    try {
      const report = await runChecks({
        baseUrl: await listen(server),
        document: await loadOpenApi(doc as Record<string, unknown>),
        seed: 7,
        cases: 1,
        checks: ['response_schema_conformance'],
        overrides: { owner_id: '6f1c2a4e-0d7b-4c1e-9a55-3b2f9d8e7a10' },
      });
      const [r] = report.results;
      expect(r!.verdict).toBe('unchecked');
      expect(r!.unchecked.map((u) => u.reason).join('\n')).toMatch(/cannot compile this schema/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('JOURNAL_CHECKS picks checks by name, and an unknown name fails listing the valid ones', () => {
    expect(selectChecks(undefined)).toEqual(CHECK_NAMES);
    expect(selectChecks(' use_after_free,not_a_server_error ')).toEqual(['not_a_server_error', 'use_after_free']);
    expect(() => selectChecks('not_a_server_error,no_such_check')).toThrow(
      /unknown check no_such_check; valid checks: not_a_server_error, status_code_conformance/,
    );
  });
});

describe('generation and validation', () => {
  it('a fixed seed gives the same requests; another seed, others', async () => {
    const doc = await loadOpenApi(FAKE_DOC);
    const make = (seed: number) => {
      const gen = new CaseGenerator(new SchemaValidator(), seed);
      return doc.operations.flatMap((op) => [0, 1, 2, 3].flatMap((i) => [gen.positive(op, i), gen.negative(op, i)]));
    };
    expect(JSON.stringify(make(11))).toBe(JSON.stringify(make(11)));
    expect(JSON.stringify(make(11))).not.toBe(JSON.stringify(make(12)));
  });

  it('positive cases meet the document, negative ones break it in the place they name', async () => {
    const doc = await loadOpenApi(FAKE_DOC);
    const post = doc.operations.find((o) => o.id === 'POST /notes/')!;
    const v = new SchemaValidator();
    const bodySchema = post.requestBody!.content['application/json']!.schema;
    const gen = new CaseGenerator(v, 3);
    for (let i = 0; i < 6; i++) {
      const good = gen.positive(post, i);
      if ('unchecked' in good) throw new Error(good.unchecked);
      expect(v.compile(bodySchema).ok && (v.compile(bodySchema) as { accepts(x: unknown): boolean }).accepts(good.body)).toBe(true);
      const bad = gen.negative(post, i);
      if (!bad || 'unchecked' in bad) throw new Error('no negative case');
      expect(bad.note).toMatch(/left out|off its schema|wrong type/);
      if (bad.body !== undefined) expect((v.compile(bodySchema) as { accepts(x: unknown): boolean }).accepts(bad.body)).toBe(false);
    }
    // Case 0 is the minimal request: only what is required, the shortest text the schema allows.
    expect((gen.positive(post, 0) as { body: unknown }).body).toEqual({
      owner_id: expect.any(String),
      title: expect.stringMatching(/^.$/),
    });
  });

  it("reads OpenAPI 3.0's nullable and boolean exclusive bounds", () => {
    const v = new SchemaValidator({ dialect: 'openapi-3.0' });
    const s = v.compile({ type: 'integer', nullable: true, minimum: 0, exclusiveMinimum: true });
    if (!s.ok) throw new Error(s.reason);
    expect([s.accepts(null), s.accepts(1), s.accepts(0)]).toEqual([true, true, false]);
    const f = new SchemaValidator({ formats: false }).compile({ type: 'string', format: 'date-time' });
    expect(f.ok && f.accepts('2026-01-01T00:00:00')).toBe(true);
    const strict = new SchemaValidator().compile({ type: 'string', format: 'date-time' });
    expect(strict.ok && strict.accepts('2026-01-01T00:00:00')).toBe(false);
  });
});
