// `npm test`: the typecheck and the whole vitest run side by side, not one after the other. The suite
// spends much of its time waiting on PostgreSQL and backend processes, which is when the typecheck's CPU
// is free; run in sequence they cost about 15 s more. Arguments go to vitest (`npm test -- tests/fuzz`).
// Exits non-zero if either fails; the typecheck's output is printed after vitest's so it is not interleaved.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
// Incremental: a second run on unchanged sources checks in about a second (the cache is not in the repo).
const cacheDir = path.join(root, 'node_modules', '.cache', 'tsc');
mkdirSync(cacheDir, { recursive: true });

function run(cmd, args, capture) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const out = [];
    if (capture) {
      child.stdout.on('data', (d) => out.push(d));
      child.stderr.on('data', (d) => out.push(d));
    }
    // Ctrl-C reaches both children through the terminal's process group; only the exit code matters here.
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output: Buffer.concat(out).toString() }));
    child.on('error', (err) => resolve({ code: 1, output: `${cmd}: ${err.message}\n` }));
  });
}

const started = performance.now();
const typecheck = run(bin('tsc'), ['--noEmit', '--incremental', '--tsBuildInfoFile', path.join(cacheDir, 'tsbuildinfo')], true).then(
  (r) => ({
    ...r,
    ms: Math.round(performance.now() - started),
  }),
);
// Formatting and lint (Biome) are part of the build: a few hundred ms, beside the rest.
const lint = run(bin('biome'), ['check', '.'], true);
const tests = await run(bin('vitest'), ['run', ...process.argv.slice(2)], false);
const tsc = await typecheck;
if (tsc.code === 0) console.log(`typecheck (tsc --noEmit): passed in ${tsc.ms} ms`);
else process.stderr.write(`typecheck (tsc --noEmit) failed:\n${tsc.output}`);
const biome = await lint;
if (biome.code === 0) console.log('lint (biome check): passed');
else process.stderr.write(`lint (biome check) failed; \`npm run format\` fixes formatting:\n${biome.output}`);
process.exit([tests.code, tsc.code, biome.code].find((c) => c !== 0) ?? 0);
