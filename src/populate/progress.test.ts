import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

describe('progress', () => {
  it('writes one plain line per item when not on a terminal', () => {
    const lines: string[] = [];
    const p = createProgress(12, { write: (t) => void lines.push(t), isTTY: false });
    p.tick('entry 2025-01-01#0 (en): created', true);
    p.tick('session session-0 (de, inner_voice): failed - turn 2/3: 404', false);
    p.stop();
    expect(lines).toEqual([
      '[ 1/12] ok   entry 2025-01-01#0 (en): created\n',
      '[ 2/12] FAIL session session-0 (de, inner_voice): failed - turn 2/3: 404\n',
    ]);
  });

  it('draws a bar on a terminal instead of lines', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    let drawn = '';
    stream.on('data', (d: Buffer) => (drawn += d.toString()));
    const lines: string[] = [];
    const p = createProgress(2, { write: (t) => void lines.push(t), isTTY: true, stream });
    p.tick('topic Alltag: created', true);
    p.tick('entry x: failed', false);
    p.stop();
    expect(lines).toEqual([]);
    expect(drawn).toContain('2/2');
    expect(drawn).toContain('failed 1');
  });
});
