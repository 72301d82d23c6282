import path from 'node:path';
import type { Stack } from './boot.js';
import type { OllamaProbe } from './ollama-probe.js';
import { repoRoot } from './paths.js';

const ms = (n: number) => `${Math.round(n)} ms`;

/** What `npm start` prints once the stack is up. */
export function summaryLines(stack: Stack, probe: OllamaProbe): string[] {
  const t = stack.timings;
  const init = t.pgInitMs > 0 ? `initdb ${ms(t.pgInitMs)}, ` : '';
  const relative = path.relative(repoRoot, stack.pg.dataDir);
  const dataDir = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : stack.pg.dataDir;
  const state = stack.createdDatabase ? 'new database' : 'existing data';
  const recovered = stack.pg.recoveredStaleServer ? '; stopped a server left running by a killed earlier run' : '';
  const model =
    probe.reachable && probe.models.length > 0
      ? `reachable at ${probe.host} (models: ${probe.models.join(', ')})`
      : probe.reachable
        ? `${probe.host} answers but has no model pulled: the offline fallback will be used`
        : `not reachable at ${probe.host} (${probe.error ?? 'no answer'}): the offline fallback will be used`;
  return [
    `Journal stack up in ${ms(t.totalMs)} (PostgreSQL: ${init}start ${ms(t.pgStartMs)}; API boot ${ms(t.backendBootMs)})`,
    `  API          ${stack.apiUrl}`,
    `  OpenAPI      ${stack.apiUrl}/api/v1/openapi.json`,
    `  Health       ${stack.apiUrl}/api/v1/health/`,
    `  PostgreSQL   ${stack.databaseUrl}  (data: ${dataDir}, ${state}${recovered})`,
    `  Ollama       ${model}`,
  ];
}
