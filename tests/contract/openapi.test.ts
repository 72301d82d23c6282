import { describe, expect, it } from 'vitest';
import { loadOpenApi } from '../../helpers/checks/document.js';
import { runTarget } from '../../helpers/deployment/run.js';
import { TargetDocument } from '../../helpers/deployment/target-document.js';
import { useStack } from '../../helpers/stack.js';
import { buildOpenApiDocument } from '../../src/contract/openapi.js';
import { fastifyPath, routeList } from '../../src/contract/routes.js';
import { buildApp } from '../../src/server/app.js';
import { createAiGateway } from '../../src/ai/gateway.js';
import { aiConfigFromEnv } from '../../src/ai/config.js';
import { createDb } from '../../src/db/connection.js';

const stack = useStack();

const samplePath = (p: string) => p.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');

describe('OpenAPI document', { meta: { classes: [12] } }, () => {
  // Any deployment: it serves a document a kept parser reads, and every route of this API it answers is in
  // it (a route it answers but does not document is drift). Strict: it is exactly the generated one.
  it('the served document parses and documents every route it answers; strictly, it equals the one generated from the zod schemas', async () => {
    const t = runTarget();
    const doc = t.document ?? (await TargetDocument.load(stack.apiUrl, t.fetch));
    expect(doc, 'the target serves an OpenAPI 3 document at /openapi.json or /api/v1/openapi.json').not.toBeNull();
    const raw = (await (await t.fetch(doc!.source)).json()) as Record<string, unknown>;
    const parsed = await loadOpenApi(raw);
    expect(parsed.operations.length, 'operations in the document').toBeGreaterThan(0);
    const undocumented: string[] = [];
    for (const r of routeList) {
      if (doc!.operation(r.method, r.path)) continue;
      // Answered at all: anything but 404/405 (a 404 may be "no such object": then it is not counted).
      const res = await t.fetch(`${stack.apiUrl}${samplePath(r.path)}`, { method: r.method, redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status !== 404 && res.status !== 405) undocumented.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(undocumented, 'routes the target answers that its own document leaves out').toEqual([]);
    if (stack.api.conformance === 'strict') expect(await stack.api.ok('openapi')).toEqual(buildOpenApiDocument());
  });

  // This repository's own code: its route registry and its generator, nothing of a deployment.
  it('documents every route the server registers, and nothing it does not', { meta: { level: 'self' } }, async () => {
    // Building the app connects to nothing; it only registers routes.
    const handle = createDb('postgres://unused@127.0.0.1:1/unused');
    const app = await buildApp({ db: handle.db, ai: createAiGateway(aiConfigFromEnv({})), now: () => new Date(), version: 'test' });
    try {
      const served = app.registeredRoutes.map((r) => `${r.method} ${r.url}`).sort();
      const documented = routeList.map((r) => `${r.method} ${fastifyPath(r.path)}`).sort();
      expect(served).toEqual(documented);
    } finally {
      await app.close();
      await handle.close();
    }
  });

  it('every documented path has a response schema for each declared status', { meta: { level: 'self' } }, () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const r of routeList) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(Object.keys(op!.responses).sort()).toEqual([...Object.keys(r.success), ...r.errors.map(String)].sort());
    }
  });

  // Issue 14 item 1: 204 was declared with an application/json body of null, and the envelope and every
  // shared schema were repeated inline per status and route (534 KB).
  it('204 declares no content; errors and shared schemas are references to components', () => {
    const doc = buildOpenApiDocument() as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
      components: { schemas: Record<string, unknown> };
    };
    const envelope = { $ref: '#/components/schemas/ErrorEnvelope' };
    for (const r of routeList) {
      const responses = doc.paths[r.path]![r.method.toLowerCase()]!.responses;
      for (const [status, response] of Object.entries(responses)) {
        if (status === '204') expect(response.content, `${r.operationId} 204`).toBeUndefined();
        if (r.errors.includes(Number(status)))
          expect(response.content, `${r.operationId} ${status}`).toEqual({ 'application/json': { schema: envelope } });
      }
    }
    const text = JSON.stringify(doc);
    // Each component is used, and none of any size is also written out inline (a two-key schema such as
    // "any object" may equal an unrelated one by chance).
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(text, name).toContain(`"$ref":"#/components/schemas/${name}"`);
      const body = JSON.stringify(schema);
      if (body.length > 100) expect(text.split(body).length - 1, `${name} written out once`).toBe(1);
    }
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['ErrorEnvelope', 'Entry', 'Session', 'TimeZone', 'Uuid']));
  });
});
