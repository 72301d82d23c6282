import { describe, expect, it } from 'vitest';
import { check, History, type Observed, type Op } from './history.js';
import { classify } from './load.js';

const ok = { outcome: 'ok' as const, status: 200, why: '200', ms: 1 };
const denied = { outcome: 'failed' as const, status: 503, why: 'nothing was written', ms: 1 };
const unknown = { outcome: 'unknown' as const, status: null, why: 'ECONNRESET', ms: 1 };

/** Worker 0: turns t0, t1 acknowledged in session s1, entry e2 acknowledged, turn t3 denied. */
function history(): History {
  const h = new History();
  const add = (op: Omit<Op, 'attempts'>, attempts: Op['attempts']) => Object.assign(h.add(op), { attempts });
  add({ key: 'k0', kind: 'turn', worker: 0, seq: 0, text: 't0', ack: { id: 'a0', sessionId: 's1', userMessageId: 'u0' } }, [unknown, ok]);
  add({ key: 'k1', kind: 'turn', worker: 0, seq: 1, text: 't1', ack: { id: 'a1', sessionId: 's1', userMessageId: 'u1' } }, [ok]);
  add({ key: 'k2', kind: 'entry', worker: 0, seq: 2, text: 'e2', ack: { id: 'E2' } }, [denied, ok]);
  add({ key: 'k3', kind: 'turn', worker: 0, seq: 3, text: 't3' }, [denied, denied]);
  return h;
}

function stored(): Observed {
  return {
    worker: 0,
    userId: 'u',
    sessions: [
      {
        id: 's1',
        messageCount: 4,
        messages: [
          { id: 'u0', role: 'user', content: 't0' },
          { id: 'a0', role: 'assistant', content: 'r0' },
          { id: 'u1', role: 'user', content: 't1' },
          { id: 'a1', role: 'assistant', content: 'r1' },
        ],
      },
    ],
    entries: [{ id: 'E2', content: 'e2' }],
  };
}

describe('history checker', () => {
  it('a linearizable history has no problems', () => {
    expect(check(history(), [stored()])).toEqual([]);
  });

  it('finds a lost acknowledged write', () => {
    const s = stored();
    s.entries = [];
    expect(check(history(), [s])).toEqual(['k2: acknowledged entry present 0 times']);
  });

  it('finds a duplicate', () => {
    const s = stored();
    s.entries.push({ id: 'E9', content: 'e2' });
    expect(check(history(), [s])).toEqual(['k2: entry stored as E9, acknowledged as E2', 'k2: acknowledged entry present 2 times']);
  });

  it('finds a write that every answer denied', () => {
    const s = stored();
    s.sessions[0]!.messages.push({ id: 'u3', role: 'user', content: 't3' }, { id: 'a3', role: 'assistant', content: 'r3' });
    s.sessions[0]!.messageCount = 6;
    expect(check(history(), [s])).toEqual([expect.stringMatching(/^k3: written although every answer denied it/)]);
  });

  it('finds something never sent, a partial turn, a wrong count and a broken order', () => {
    const s = stored();
    const m = s.sessions[0]!.messages;
    s.sessions[0]!.messages = [m[2]!, m[3]!, m[0]!, { id: 'x', role: 'user', content: 'never sent' }];
    s.sessions[0]!.messageCount = 5;
    expect(check(history(), [s])).toEqual([
      'session s1: message_count 5 but 4 messages',
      'k0: user turn without its reply (partial write)',
      'k0: stored ids differ from the acknowledged ones',
      'session s1: message never sent: "never sent"',
      'session s1: k0 stored after k1 but sent before it',
    ]);
  });

  it('an unsettled operation or a violation is a problem', () => {
    const h = history();
    h.add({ key: 'k4', kind: 'entry', worker: 0, seq: 4, text: 'e4' }).attempts.push(unknown);
    h.violations.push({ key: 'k4', status: 500, why: 'internal_error' });
    expect(check(h, [stored()])).toEqual(['violation k4: 500 internal_error', 'k4 (worker 0 #4) never resolved']);
  });
});

describe('classify', () => {
  it('sorts answers into ok, failed and unknown; anything else is a violation', () => {
    expect(classify(201, {})?.outcome).toBe('ok');
    expect(
      classify(503, { error: 'database_unavailable', message: 'The database is unavailable; nothing was written. Retry later.' })?.outcome,
    ).toBe('failed');
    expect(classify(503, { error: 'database_unavailable', message: 'the request may have been written' })?.outcome).toBe('unknown');
    expect(
      classify(409, { error: 'idempotency_conflict', message: 'A request with this Idempotency-Key is still in progress' })?.outcome,
    ).toBe('unknown');
    expect(classify(503, { error: 'shutting_down', message: 'The service is shutting down; nothing was done.' })?.outcome).toBe('failed');
    expect(classify(503, { error: 'Service Unavailable', message: 'Service Unavailable' })).toBeUndefined();
    expect(classify(null, undefined, 'ECONNREFUSED connect')?.outcome).toBe('failed');
    expect(classify(null, undefined, 'ECONNRESET socket hang up')?.outcome).toBe('unknown');
    expect(classify(500, { error: 'internal_error' })).toBeUndefined();
    expect(classify(422, { error: 'validation_error' })).toBeUndefined();
    expect(classify(503, { error: 'model_unavailable', message: 'nothing was written' })).toBeUndefined();
  });
});
