import { describe, expect, it } from 'vitest';
import { useStack } from '../../helpers/stack.js';
import { envelopeOf, rawExchange } from './raw-http.js';

// Issue 11 finding 17: complete headers announcing 100 bytes and 4 bytes of body kept the connection
// open indefinitely (Fastify's requestTimeout 0). The backend here runs with a short REQUEST_TIMEOUT_MS;
// the test waits for the server to close the connection (an event), bounded well above that timeout.
// A child process: the guarantee is about the server's own sockets, configured from its environment.
const stack = useStack({ env: { REQUEST_TIMEOUT_MS: '700' } });

describe('#17 a request whose body never arrives', { meta: { needs: ['process'] } }, () => {
  it('is answered 408 in the envelope and the connection is closed', async () => {
    const head = [
      'POST /api/v1/users/ HTTP/1.1',
      `Host: ${new URL(stack.apiUrl).host}`,
      'Content-Type: application/json',
      'Content-Length: 100',
    ].join('\r\n');
    const r = await rawExchange(stack.apiUrl, `${head}\r\n\r\n{"us`, 20_000);
    expect(r.closed, 'the server closed the connection').toBe(true);
    expect(r.status).toBe(408);
    expect(envelopeOf(r)).toMatchObject({ error: 'request_timeout', details: [{ path: 'body' }] });
  });

  it('a request that completes in time is unaffected', async () => {
    const res = await fetch(`${stack.apiUrl}/api/v1/chat/modes`);
    expect(res.status).toBe(200);
  });
});
