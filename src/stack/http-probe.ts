import http from 'node:http';

/**
 * Status of one GET, or undefined when nothing answered. A fresh connection every time (no agent): a
 * pooled keep-alive socket would hold a graceful close of the backend open, or outlive a killed one.
 */
export function httpStatus(url: string, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode));
      res.once('error', () => resolve(undefined));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
  });
}
