import path from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from './paths.js';

export interface BackendBundle {
  /** The backend entry as one ES module. */
  entry: string;
  /** The parent watcher, preloaded into the child like under tsx. */
  parentWatch: string;
}

/**
 * Bundles the backend into plain JavaScript. A child started from the bundle boots in ~0.25 s instead of
 * ~2 s under tsx (no per-module transform and resolution), which is what restart-heavy suites pay for.
 * Built fresh from the sources on every call, so it can never run stale code.
 */
export async function buildBackendBundle(outDir: string): Promise<BackendBundle> {
  await build({
    entryPoints: { main: path.join(repoRoot, 'src/server/main.ts'), 'parent-watch': path.join(repoRoot, 'src/stack/parent-watch.ts') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    external: ['pg-native'],
    // Bundled CommonJS dependencies still call require().
    banner: { js: "import { createRequire as __journalRequire } from 'node:module'; const require = __journalRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return { entry: path.join(outDir, 'main.mjs'), parentWatch: path.join(outDir, 'parent-watch.mjs') };
}
