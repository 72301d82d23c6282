import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.js';
import { OPENAPI_FILE } from './openapi-file.js';

describe('the checked-in OpenAPI document (docs/openapi.json)', () => {
  it('equals the document generated from the route table (`npm run openapi` rewrites it)', () => {
    const checkedIn: unknown = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
    expect(checkedIn, 'docs/openapi.json differs from the route table: run `npm run openapi` and commit the file').toEqual(
      buildOpenApiDocument(),
    );
  });
});
