import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { bootStack } from './boot.js';
it('holds a stack', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'manual-'));
  const s = await bootStack({ dataDir: dir, persistent: false, backendEntry: path.join(import.meta.dirname, 'testdata/fake-backend.ts') });
  console.log('STACK UP', s.pg.pid, s.backend.pid);
  await new Promise((r) => setTimeout(r, 30000));
});
