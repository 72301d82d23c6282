import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, isPortFree } from './ports.js';

describe('freePort', () => {
  it('returns a port that can be listened on, and isPortFree sees when it is taken', async () => {
    const port = await freePort();
    expect(await isPortFree(port)).toBe(true);
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      expect(await isPortFree(port)).toBe(false);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    expect(await freePort()).not.toBe(0);
  });
});
