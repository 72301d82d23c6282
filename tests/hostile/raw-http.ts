import { connect } from 'node:net';
import { ErrorEnvelope } from '../../src/contract/errors.js';

/** What came back on a raw connection, and whether the server closed it. */
export interface RawResponse {
  status: number | null;
  headers: Record<string, string>;
  body: string;
  closed: boolean;
}

/**
 * Writes `bytes` on a fresh TCP connection to the backend and reads until the server closes it or
 * `untilMs` passes (a bound for a broken server, not a wait for readiness: a working one answers and
 * closes at once). For requests no HTTP client will send: bad framing, NUL in the path, a body that
 * never arrives.
 */
export function rawExchange(baseUrl: string, bytes: string | Buffer, untilMs = 10_000): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(Buffer.concat(chunks).toString('utf8'), closed));
    };
    const timer = setTimeout(() => done(false), untilMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', () => done(true));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
  });
}

function parse(text: string, closed: boolean): RawResponse {
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const),
  );
  return { status: status ? Number(status) : null, headers, body: split < 0 ? '' : text.slice(split + 4), closed };
}

/** The body as the one error envelope, or a failure saying what it was instead. */
export function envelopeOf(r: RawResponse): ErrorEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(r.body);
  } catch {
    throw new Error(`${r.status}: body is not JSON: ${JSON.stringify(r.body.slice(0, 300))}`);
  }
  const parsed = ErrorEnvelope.safeParse(json);
  if (!parsed.success) throw new Error(`${r.status}: body is not the envelope: ${r.body.slice(0, 300)}`);
  return parsed.data;
}
