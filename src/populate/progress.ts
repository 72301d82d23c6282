import cliProgress from 'cli-progress';

export interface Progress {
  tick(label: string, ok: boolean): void;
  stop(): void;
}

export interface ProgressOutput {
  write(text: string): void;
  /** Only a terminal can redraw a bar; pipes and CI logs get one plain line per item. */
  isTTY: boolean;
  /** Needed by the bar: cli-progress writes to a stream. */
  stream?: NodeJS.WritableStream;
}

export function createProgress(total: number, out: ProgressOutput): Progress {
  if (out.isTTY && out.stream) {
    const bar = new cliProgress.SingleBar(
      {
        format: '{bar} {percentage}% | {value}/{total} | failed {failed} | {label}',
        stream: out.stream,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    let failed = 0;
    bar.start(total, 0, { failed, label: '' });
    return {
      tick(label, ok) {
        if (!ok) failed++;
        bar.increment(1, { failed, label: label.length > 60 ? `${label.slice(0, 59)}…` : label });
      },
      stop: () => bar.stop(),
    };
  }
  let n = 0;
  const width = String(total).length;
  return {
    tick(label, ok) {
      n++;
      out.write(`[${String(n).padStart(width)}/${total}] ${ok ? 'ok  ' : 'FAIL'} ${label}\n`);
    },
    stop: () => undefined,
  };
}
