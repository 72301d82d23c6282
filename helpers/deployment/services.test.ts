import { describe, expect, it } from 'vitest';
import thisBackendImage from '../../targets/this-backend-image.js';
import { defineTarget } from './hooks.js';
import { hostUrl, parseEnvLines, parseServices, planTargetImage, unknownServiceHosts } from './services.js';
import { ExternalTarget } from './target.js';

describe('service declarations of a target module (image mode)', () => {
  it('fills the defaults: the alias is the name, readiness is the listed ports or just running', () => {
    const [pg, cache] = parseServices({
      postgres: { image: 'postgres:17-alpine', ports: [5432, 5432], env: { POSTGRES_PASSWORD: 'x' } },
      cache: { image: 'redis:7', alias: 'redis' },
    });
    expect(pg).toEqual({
      name: 'postgres',
      image: 'postgres:17-alpine',
      alias: 'postgres',
      env: { POSTGRES_PASSWORD: 'x' },
      ports: [5432],
      command: null,
      ready: { kind: 'ports' },
      startupMs: 120_000,
    });
    expect(cache).toMatchObject({ name: 'cache', alias: 'redis', ports: [], ready: { kind: 'running' } });
    expect(parseServices(undefined)).toEqual([]);
  });

  it('reads a readiness command or log line', () => {
    const [a, b] = parseServices({
      a: { image: 'a', ready: { command: 'pg_isready' } },
      b: { image: 'b', ready: { log: 'Ready to accept connections' } },
    });
    expect(a!.ready).toEqual({ kind: 'command', command: 'pg_isready' });
    expect(b!.ready).toEqual({ kind: 'log', log: 'Ready to accept connections', times: 1 });
  });

  it.each([
    [{ postgres: { image: '' } }, /services\.postgres\.image: an image name is required/],
    [{ postgres: {} }, /services\.postgres\.image/],
    [{ postgres: { image: 'p', alias: 'Postgres_DB' } }, /services\.postgres\.alias: a network alias/],
    [{ postgres: { image: 'p', ports: [70_000] } }, /services\.postgres\.ports\.0/],
    [{ postgres: { image: 'p', ready: { command: '' } } }, /services\.postgres\.ready/],
    [{ postgres: { image: 'p', volumes: ['/x'] } }, /services\.postgres.*volumes/],
    [{ Bad_Name: { image: 'p' } }, /services\.Bad_Name.*service name/],
    ['postgres', /services/],
  ])('refuses %j, naming the field', (raw, message) => {
    expect(() => parseServices(raw)).toThrow(message);
  });

  it('refuses two services under one alias', () => {
    expect(() => parseServices({ a: { image: 'x', alias: 'db' }, b: { image: 'y', alias: 'db' } })).toThrow(
      /services\.b\.alias: "db" is already the alias of a/,
    );
  });
});

describe("the target image's start", () => {
  it("merges the module's env with JOURNAL_TARGET_ENV lines, which win", () => {
    const plan = planTargetImage(
      'img',
      { env: { DATABASE_URL: 'postgres://u:p@postgres:5432/d', A: '1' }, port: 9000 },
      {
        JOURNAL_TARGET_ENV: 'A=2\nnot a line\nB=x=y',
      },
    );
    expect(plan).toEqual({
      image: 'img',
      env: { DATABASE_URL: 'postgres://u:p@postgres:5432/d', A: '2', B: 'x=y' },
      port: 9000,
      health: '/health',
      startupMs: 180_000,
    });
  });

  it('takes port, health and startup limit from the environment over the module', () => {
    const plan = planTargetImage('img', { port: 9000, health: '/ready' }, { JOURNAL_TARGET_PORT: '8080', JOURNAL_TARGET_HEALTH: '/live' });
    expect([plan.port, plan.health]).toEqual([8080, '/live']);
    expect(() => planTargetImage('img', {}, { JOURNAL_TARGET_PORT: 'eighty' })).toThrow(/JOURNAL_TARGET_PORT must be a positive integer/);
    expect(() => planTargetImage('img', { health: 'health' }, {})).toThrow(/image\.health/);
  });

  it('parses env lines as KEY=value only', () => {
    expect(parseEnvLines(' A=1\r\n#B=2\n9C=3\nD=')).toEqual({ A: '1', D: '' });
  });
});

describe('env/alias wiring', () => {
  const services = parseServices({ postgres: { image: 'p', ports: [5432] }, cache: { image: 'r', alias: 'redis' } });

  it('names a host in the env that is no declared alias (a typo fails before any container starts)', () => {
    const env = {
      DATABASE_URL: 'postgres://u:p@postgre:5432/d',
      REDIS_URL: 'redis://redis:6379',
      CACHE_URL: 'redis://cache:6379',
      OLLAMA_HOST: 'http://127.0.0.1:9',
      PUBLIC: 'https://api.example.org/v1',
      LOCAL: 'http://localhost:8000',
      PLAIN: 'postgres',
    };
    expect(unknownServiceHosts(env, services)).toEqual(['DATABASE_URL: "postgre"', 'CACHE_URL: "cache"']);
    expect(unknownServiceHosts({ DATABASE_URL: 'postgres://u:p@postgres:5432/d' }, services)).toEqual([]);
  });

  it("rewrites a URL the image uses to the service's port published on the host", () => {
    const addresses = { host: '127.0.0.1', ports: { postgres: { 5432: 49153 }, redis: {} } };
    expect(hostUrl('postgres://u:p@postgres:5432/journal', addresses)).toBe('postgres://u:p@127.0.0.1:49153/journal');
    expect(hostUrl('postgres://u:p@postgres/journal', addresses)).toBe('postgres://u:p@127.0.0.1:49153/journal');
    expect(() => hostUrl('postgres://u:p@db:5432/journal', addresses)).toThrow(
      /db in postgres:\/\/… is not a service of this run \(services: postgres, redis\)/,
    );
    expect(() => hostUrl('redis://redis:6379', addresses)).toThrow(/service redis does not publish port 6379/);
  });

  it("this repository's image target declares a PostgreSQL service its image env reaches by alias", () => {
    const declared = typeof thisBackendImage.services === 'function' ? thisBackendImage.services({}) : thisBackendImage.services;
    const parsed = parseServices(declared);
    expect(parsed.map((s) => [s.alias, s.image, s.ports])).toEqual([['postgres', 'postgres:17-alpine', [5432]]]);
    const image = typeof thisBackendImage.image === 'function' ? thisBackendImage.image({}) : thisBackendImage.image;
    const plan = planTargetImage('journal/backend:local', image, {});
    expect(unknownServiceHosts(plan.env, parsed)).toEqual([]);
    expect(hostUrl(plan.env.DATABASE_URL!, { host: '127.0.0.1', ports: { postgres: { 5432: 40000 } } })).toMatch(
      /@127\.0\.0\.1:40000\/journal$/,
    );
    const offline =
      typeof thisBackendImage.services === 'function'
        ? thisBackendImage.services({ JOURNAL_POSTGRES_IMAGE: 'journal/postgres:local' })
        : {};
    expect(offline.postgres?.image).toBe('journal/postgres:local');
  });
});

describe('restart of an image target', () => {
  const target = (env: NodeJS.ProcessEnv, targetContainer?: string) =>
    new ExternalTarget(defineTarget({ name: 't' }), {
      apiUrl: 'http://127.0.0.1:8000',
      env,
      createUserViaApi: () => Promise.reject(new Error('not used')),
      ...(targetContainer && { targetContainer }),
    });

  it('applies when the run started the image, and is not applicable for a bare URL without a command', () => {
    expect(target({}, 'abc123').missing('restart')).toBeNull();
    expect(target({}).missing('restart')).toMatch(/JOURNAL_TARGET_IMAGE/);
    expect(target({ JOURNAL_RESTART_COMMAND: 'true' }).missing('restart')).toBeNull();
  });
});
