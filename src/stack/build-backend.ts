import path from 'node:path';
import { buildBackendBundle } from './bundle.js';

// `npm run build [outDir]`: the backend as one ES module (default dist/main.mjs). The image runs exactly
// this bundle, and the suite boots the same bundle, so what the tests passed is what ships.
const outDir = path.resolve(process.argv[2] ?? 'dist');
const started = performance.now();
const { entry } = await buildBackendBundle(outDir);
console.log(`backend bundled to ${path.relative(process.cwd(), entry) || entry} in ${Math.round(performance.now() - started)} ms`);
