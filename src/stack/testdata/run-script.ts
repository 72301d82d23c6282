import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const testdata = path.dirname(fileURLToPath(import.meta.url));

export interface Script<T> {
  child: ChildProcess;
  /** The first JSON line the script printed. */
  first: Promise<T>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

/** Runs a testdata script as its own node process (the way a real parent would run) and reads its report. */
export function runScript<T>(file: string, args: string[] = []): Script<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(testdata, file), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const first = new Promise<T>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line) as T);
    });
    void exited.then((e) => reject(new Error(`${file} exited (${JSON.stringify(e)}) before reporting:\n${err}`)));
  });
  return { child, first, exited, stderr: () => err };
}
