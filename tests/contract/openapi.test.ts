import { describe, expect, it } from 'vitest';
import { useStack } from '../../helpers/stack.js';
import { buildOpenApiDocument } from '../../src/contract/openapi.js';
import { fastifyPath, routeList } from '../../src/contract/routes.js';
import { buildApp } from '../../src/server/app.js';
import { createAiGateway } from '../../src/ai/gateway.js';
import { aiConfigFromEnv } from '../../src/ai/config.js';
import { createDb } from '../../src/db/connection.js';

const stack = useStack();

// The document this project generates and serves: the suite's own code and the strict contract.
describe('OpenAPI document', { meta: { level: 'strict', classes: [12] } }, () => {
  it('the served document equals the one generated from the zod schemas', async () => {
    const served = await stack.api.ok('openapi');
    expect(served).toEqual(buildOpenApiDocument());
  });

  it('documents every route the server registers, and nothing it does not', async () => {
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

  it('every documented path has a response schema for each declared status', () => {
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
