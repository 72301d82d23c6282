// `npm run openapi`: writes the OpenAPI document generated from the route table to docs/openapi.json, the
// copy readers and client generators use without running the service. src/contract/openapi-document.test.ts
// fails while the file and the code differ.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from './openapi.js';

export const OPENAPI_FILE = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(OPENAPI_FILE, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
  // Formatted as Biome formats JSON, so `npm run lint` passes on the file as written.
  execFileSync(fileURLToPath(new URL('../../node_modules/.bin/biome', import.meta.url)), ['format', '--write', OPENAPI_FILE], {
    stdio: 'ignore',
  });
  console.log(`wrote ${OPENAPI_FILE}`);
}
