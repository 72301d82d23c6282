import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULTS, type PopulateOptions } from './options.js';
import { runPopulate, type PopulateIo } from './populate.js';

function int(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('not an integer');
  return Number(value);
}

function num(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('not a number');
  return n;
}

/** The commander program; no option has a commander default, DEFAULTS is the only source (see options.ts). */
export function buildProgram(writeErr: (text: string) => void = (t) => void process.stderr.write(t)): Command {
  return new Command('journal-populate')
    .description('Populate the journaling API with deterministic journal entries and chat sessions for one user.')
    .option('--api-base <url>', `API base URL (default ${DEFAULTS.apiBase})`)
    .option('--ollama-host <url>', 'Ollama host for content generation (default: OLLAMA_HOST or http://127.0.0.1:11434)')
    .option('--model <name>', 'Ollama model for content generation (default: OLLAMA_CHAT_MODEL or llama3.2)')
    .option('--test-user <uuid>', 'the existing user to write for (required unless --create-user)')
    .option('--create-user', 'create a fresh user and write for it')
    .option(
      '--journal-entries <n>',
      `quick mode: journal entries over the last 30 days (default ${DEFAULTS.journalEntries} when no range is given)`,
      int,
    )
    .option(
      '--chat-sessions <n>',
      `quick mode: chat sessions over the last 30 days (default ${DEFAULTS.chatSessions} when no range is given)`,
      int,
    )
    .option('--day', 'items for today only')
    .option('--week', 'the last 7 days')
    .option('--days <n>', 'the last N days', int)
    .option('--year', 'the last 12 months')
    .option('--months <n>', 'the last N months', int)
    .option('--language <en|de>', `language of about 70% of the content (default ${DEFAULTS.language})`)
    .option('--seed <n>', `seed of the plan and content; the same seed gives the same data (default ${DEFAULTS.seed})`, int)
    .option('--concurrency <n>', `items written in parallel (default ${DEFAULTS.concurrency})`, int)
    .option('--offline', 'no model: use the deterministic offline generator')
    .option('--dry-run', 'print the plan and write nothing')
    .option('--report <file.json>', 'also write the report as JSON')
    .option('--min-success-rate <percent>', `exit 1 below this success rate (default ${DEFAULTS.minSuccessRate})`, num)
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 success rate below --min-success-rate or the report not written, 2 bad usage, unknown user or a --report path that cannot be written (nothing written), 130 interrupted (partial report).',
    )
    .exitOverride()
    .configureOutput({ writeErr });
}

/** Parses argv and runs; returns the exit code instead of exiting so it can be tested. */
export async function main(argv: string[], io: PopulateIo = {}): Promise<number> {
  const program = buildProgram(io.err);
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    const code = (e as { code?: string; exitCode?: number }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    return 2;
  }
  const { exitCode } = await runPopulate(program.opts<PopulateOptions>(), io);
  return exitCode;
}

/** The process entry: Ctrl-C stops cleanly (partial report, exit 130); a second Ctrl-C quits at once. */
export async function runCli(argv = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nstopping after the items in flight (Ctrl-C again to quit at once)…\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  process.exitCode = await main(argv, { signal: controller.signal, progressStream: process.stderr });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runCli();
