import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createDb, databaseFailure, dbOptionsFromEnv, isDatabaseUnavailable, pingDatabase } from './connection.js';

const err = (fields: { code?: string; message?: string }) => Object.assign(new Error(fields.message ?? 'x'), fields);

describe('databaseFailure: what a 503 may claim', () => {
  it.each([
    ['refused', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }],
    ['pool acquire timeout', { message: 'timeout exceeded when trying to connect' }],
    ['connect timeout', { message: 'Connection terminated due to connection timeout' }],
    ['statement_timeout', { code: '57014', message: 'canceling statement due to statement timeout' }],
    ['lock_timeout', { code: '55P03', message: 'canceling statement due to lock timeout' }],
    ['too many connections', { code: '53300', message: 'sorry, too many clients already' }],
    ['starting up', { code: '57P03', message: 'the database system is starting up' }],
    ['dead client, nothing sent', { message: 'Client has encountered a connection error and is not queryable' }],
  ])('%s: not written', (_, fields) => expect(databaseFailure(err(fields))).toBe('not_written'));

  it.each([
    ['terminated by the administrator', { code: '57P01', message: 'terminating connection due to administrator command' }],
    ['crash of another backend', { code: '57P02', message: 'terminating connection because of crash of another server process' }],
    ['reset', { code: 'ECONNRESET', message: 'read ECONNRESET' }],
    ['connection lost mid-statement', { message: 'Connection terminated unexpectedly' }],
    ['no answer in time', { message: 'Query read timeout' }],
    ['connection exception class', { code: '08006', message: 'connection failure' }],
  ])('%s: unknown', (_, fields) => expect(databaseFailure(err(fields))).toBe('unknown'));

  it('looks into causes and aggregate errors, unknown winning', () => {
    expect(databaseFailure(new Error('wrapped', { cause: err({ code: 'ECONNREFUSED' }) }))).toBe('not_written');
    expect(databaseFailure(new AggregateError([err({ code: 'ECONNREFUSED' }), err({ code: 'ECONNRESET' })]))).toBe('unknown');
  });

  it('a bad query or anything else is not an availability failure (a 500)', () => {
    for (const e of [err({ code: '23505', message: 'duplicate key' }), err({ code: '42P01' }), new TypeError('x'), null, 'text', undefined])
      expect(isDatabaseUnavailable(e)).toBe(false);
  });
});

describe('dbOptionsFromEnv', () => {
  it('defaults: acquire 2 s, statement 5 s, lock 2 s, client deadline 1 s past the statement timeout', () => {
    expect(dbOptionsFromEnv({})).toEqual({
      max: 10,
      acquireTimeoutMs: 2000,
      statementTimeoutMs: 5000,
      lockTimeoutMs: 2000,
      queryTimeoutMs: 6000,
    });
  });

  it('reads every variable', () => {
    expect(
      dbOptionsFromEnv({
        DB_POOL_MAX: '3',
        DB_ACQUIRE_TIMEOUT_MS: '100',
        DB_STATEMENT_TIMEOUT_MS: '200',
        DB_LOCK_TIMEOUT_MS: '50',
        DB_QUERY_TIMEOUT_MS: '900',
      }),
    ).toEqual({ max: 3, acquireTimeoutMs: 100, statementTimeoutMs: 200, lockTimeoutMs: 50, queryTimeoutMs: 900 });
    expect(dbOptionsFromEnv({ DB_STATEMENT_TIMEOUT_MS: '1000' }).queryTimeoutMs).toBe(2000);
  });

  it('refuses nonsense and a client deadline that would fire before PostgreSQL cancels', () => {
    expect(() => dbOptionsFromEnv({ DB_LOCK_TIMEOUT_MS: 'soon' })).toThrow(/DB_LOCK_TIMEOUT_MS must be an integer/);
    expect(() => dbOptionsFromEnv({ DB_POOL_MAX: '0' })).toThrow(/DB_POOL_MAX/);
    expect(() => dbOptionsFromEnv({ DB_STATEMENT_TIMEOUT_MS: '1000', DB_QUERY_TIMEOUT_MS: '1000' })).toThrow(/must exceed/);
  });
});

describe('pingDatabase', () => {
  it('reports a server that accepts connections but never answers (stalled) within its deadline', async () => {
    // A listening socket that says nothing: what a SIGSTOPped PostgreSQL looks like from here.
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const h = createDb(`postgres://u:p@127.0.0.1:${port}/d`, { acquireTimeoutMs: 10_000 });
    // The message names the ping's own 200 ms deadline: it fired, not the pool's 10 s acquire timeout.
    await expect(pingDatabase(h.db, 200)).rejects.toThrow('the database did not answer within 200 ms');
    for (const s of sockets) s.destroy();
    await h.close().catch(() => undefined);
    await new Promise((r) => silent.close(r));
  });
});
