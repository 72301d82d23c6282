import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Resolved from this file, not from process.cwd(): `npm start`, vitest and benchmarks run from different
// working directories but must all find the same server entry and the same `.journal/` data.
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const defaultBackendEntry = path.join(repoRoot, 'src', 'server', 'main.ts');

export const defaultDataDir = path.join(repoRoot, '.journal', 'pg');
