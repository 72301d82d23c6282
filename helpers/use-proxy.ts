import { afterAll } from 'vitest';
import { PgProxy } from './pg-proxy.js';

/**
 * A proxy for this file's backend connections, closed after the file. Pass `proxy.wrap` as
 * useStack({ backendDatabaseUrl }); the proxy exists once the stack's beforeAll has run.
 */
export function useProxy(rewrite: (url: string) => string = (u) => u) {
  let proxy: PgProxy | undefined;
  afterAll(async () => {
    await proxy?.close();
  });
  return {
    async wrap(databaseUrl: string): Promise<string> {
      proxy = await PgProxy.forUrl(databaseUrl);
      return rewrite(proxy.url(databaseUrl));
    },
    get proxy(): PgProxy {
      if (!proxy) throw new Error('the proxy starts in the stack beforeAll (useStack({ backendDatabaseUrl: p.wrap }))');
      return proxy;
    },
  };
}
