import { aiConfigFromEnv } from '../ai/config.js';
import { createAiGateway } from '../ai/gateway.js';
import { ApiFailure, createApi, type Api } from './api.js';
import { createContentSource, type Generator } from './generate.js';
import { UsageError, resolveOptions, type PopulateOptions, type ResolvedOptions } from './options.js';
import { buildPlan, type Plan } from './plan.js';
import { describePlan } from './plan-text.js';
import { createProgress } from './progress.js';
import { ReportBuilder, exitCodeFor, formatReport, reportPathProblem, writeReportFile, type Report, type ReportHeader } from './report.js';
import { DEFAULT_RETRY, runPlan, type RetryPolicy } from './runner.js';

export interface PopulateIo {
  out?: (text: string) => void;
  err?: (text: string) => void;
  /** A terminal gets a progress bar on this stream; anything else gets plain lines through `out`. */
  progressStream?: NodeJS.WritableStream & { isTTY?: boolean };
  fetch?: typeof fetch;
  /** How long one request may go unanswered (the client's default otherwise). */
  timeoutMs?: number;
  now?: () => Date;
  /** Aborted on Ctrl-C: the run stops starting items and reports what it did. */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Replaces the Ollama gateway (tests). */
  generator?: Generator;
  retry?: Partial<RetryPolicy>;
  /** The zone used where no user's zone is known (dry runs, --create-user). */
  localTimeZone?: string;
}

export interface PopulateResult {
  exitCode: number;
  report: Report;
}

class StartError extends Error {}

function header(o: ResolvedOptions, userId: string, timeZone: string, plan?: Plan): ReportHeader {
  const sessions = plan?.items.flatMap((i) => (i.kind === 'session' ? [i] : [])) ?? [];
  return {
    seed: o.seed,
    mode: o.modeLabel,
    language: o.language,
    timeZone,
    userId,
    apiBase: o.apiBase,
    generator: o.offline ? 'offline' : 'model',
    minSuccessRate: o.minSuccessRate,
    planned: {
      topics: plan?.topics.length ?? 0,
      entries: plan ? plan.items.length - sessions.length : 0,
      sessions: sessions.length,
      messages: sessions.reduce((n, s) => n + 2 * s.turnTimes.length, 0),
    },
  };
}

function modelGateway(o: ResolvedOptions, env: NodeJS.ProcessEnv): Generator {
  try {
    // The flags go through the same parsing and validation as the backend's environment.
    return createAiGateway(
      aiConfigFromEnv({
        ...env,
        ...(o.ollamaHost ? { OLLAMA_HOST: o.ollamaHost } : {}),
        ...(o.model ? { OLLAMA_CHAT_MODEL: o.model } : {}),
      }),
    );
  } catch (e) {
    throw new StartError(e instanceof Error ? e.message.replace('OLLAMA_HOST', '--ollama-host (or OLLAMA_HOST)') : String(e));
  }
}

async function targetUser(api: Api, o: ResolvedOptions, localTz: string): Promise<{ id: string; timeZone: string; created: boolean }> {
  try {
    if (o.user.kind === 'create') {
      const res = await api.call('createUser', {
        body: {
          username: `populate-${o.seed}-${Date.now().toString(36)}`,
          display_name: 'Populated test user',
          timezone: localTz,
          language: o.language,
        },
      });
      return { id: res.body.id, timeZone: res.body.timezone, created: true };
    }
    const res = await api.call('getUser', { params: { id: o.user.id } });
    return { id: res.body.id, timeZone: res.body.timezone, created: false };
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 404 && o.user.kind === 'existing') {
      throw new StartError(
        `user ${o.user.id} does not exist at ${o.apiBase} (GET /users/${o.user.id} answered 404); nothing was written. Create it first (POST /users/) or pass --create-user.`,
      );
    }
    if (err instanceof ApiFailure && err.kind === 'network') throw new StartError(`cannot reach the API at ${o.apiBase}: ${err.message}`);
    throw new StartError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * The whole population run, in process: the CLI is a thin wrapper around this, and tests call it
 * directly. It never throws for an expected failure; the exit code and report say what happened.
 */
export async function runPopulate(options: PopulateOptions, io: PopulateIo = {}): Promise<PopulateResult> {
  const out = io.out ?? ((t: string) => void process.stdout.write(t));
  const err = io.err ?? ((t: string) => void process.stderr.write(t));
  const now = io.now ?? (() => new Date());
  const localTz = io.localTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

  // Before anything else, even the usage check: every way out writes the report.
  const reportProblem = options.report === undefined ? undefined : await reportPathProblem(options.report);
  if (reportProblem !== undefined) {
    const message = `--report ${JSON.stringify(options.report)} cannot be written: ${reportProblem}; nothing was written`;
    return failStart(options, message, err, undefined, { writeReport: false });
  }

  let o: ResolvedOptions;
  try {
    o = resolveOptions(options);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return failStart(options, e.message, err);
  }

  if (o.dryRun) {
    const plan = buildPlan({ seed: o.seed, language: o.language, mode: o.mode, timeZone: localTz }, now());
    out(`${describePlan(plan, o.modeLabel)}\nDry run: nothing was written.\n`);
    const builder = new ReportBuilder(header(o, o.user.kind === 'existing' ? o.user.id : '(to be created)', localTz, plan));
    builder.markDryRun();
    return finish(builder.build(), o, out, err, false);
  }

  const api = createApi({
    baseUrl: o.apiBase,
    ...(io.fetch ? { fetch: io.fetch } : {}),
    ...(io.timeoutMs ? { timeoutMs: io.timeoutMs } : {}),
  });
  let generator: Generator | undefined;
  let user: Awaited<ReturnType<typeof targetUser>>;
  try {
    if (!o.offline) generator = io.generator ?? modelGateway(o, io.env ?? process.env);
    user = await targetUser(api, o, localTz);
  } catch (e) {
    if (e instanceof StartError) return failStart(options, e.message, err, o);
    throw e;
  }
  if (user.created) out(`Created user ${user.id} (run again with --test-user ${user.id} to add to it).\n`);

  const plan = buildPlan({ seed: o.seed, language: o.language, mode: o.mode, timeZone: user.timeZone }, now());
  const builder = new ReportBuilder(header(o, user.id, user.timeZone, plan));
  const stream = io.progressStream;
  const progress = createProgress(plan.topics.length + plan.items.length, {
    write: out,
    isTTY: stream?.isTTY === true,
    ...(stream ? { stream } : {}),
  });
  try {
    await runPlan(plan, {
      api,
      content: createContentSource({ seed: o.seed, ...(o.model ? { model: o.model } : {}), ...(generator ? { generator } : {}) }),
      userId: user.id,
      concurrency: o.concurrency,
      retry: { ...DEFAULT_RETRY, ...io.retry },
      progress,
      report: builder,
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } finally {
    progress.stop();
  }
  return finish(builder.build(), o, out, err, true, user.created ? user.id : undefined);
}

async function failStart(
  options: PopulateOptions,
  message: string,
  err: (t: string) => void,
  o?: ResolvedOptions,
  { writeReport = true } = {},
): Promise<PopulateResult> {
  const builder = new ReportBuilder({
    seed: o?.seed ?? options.seed ?? 0,
    mode: o?.modeLabel ?? '(not started)',
    language: o?.language ?? String(options.language ?? ''),
    timeZone: '',
    userId: options.testUser ?? '',
    apiBase: o?.apiBase ?? options.apiBase ?? '',
    generator: options.offline ? 'offline' : 'model',
    minSuccessRate: o?.minSuccessRate ?? 100,
    planned: { topics: 0, entries: 0, sessions: 0, messages: 0 },
  });
  builder.markError(message);
  const report = builder.build();
  err(`error: ${message}\n`);
  if (writeReport && options.report) await writeReportOrSay(options.report, report, err);
  return { exitCode: exitCodeFor(report), report };
}

async function finish(
  report: Report,
  o: ResolvedOptions,
  out: (t: string) => void,
  err: (t: string) => void,
  summary: boolean,
  createdUser?: string,
): Promise<PopulateResult> {
  if (summary) out(`\n${formatReport(report)}\n`);
  let exitCode = exitCodeFor(report);
  if (o.report) {
    if (await writeReportOrSay(o.report, report, err)) out(`Report written to ${o.report}\n`);
    // The path was checked before the run; a write failing now (disk full, I/O error) fails the run.
    else if (exitCode === 0) exitCode = 1;
  }
  if (exitCode === 1 && report.successRate < report.minSuccessRate)
    err(`error: success rate ${report.successRate}% is below the minimum ${report.minSuccessRate}%\n`);
  if (exitCode === 130) {
    // The same command again would create yet another user: the rest belongs to the one this run made.
    const again = createdUser
      ? `run it again with --test-user ${createdUser} instead of --create-user to finish`
      : 'run the same command again to finish';
    err(`interrupted: the report above is partial; ${again} (nothing is written twice)\n`);
  }
  return { exitCode, report };
}

/** Writes the report; a failure is one line on stderr and `false`, never an exception. */
async function writeReportOrSay(path: string, report: Report, err: (t: string) => void): Promise<boolean> {
  try {
    await writeReportFile(path, report);
    return true;
  } catch (e) {
    err(`error: the report could not be written to ${JSON.stringify(path)}: ${e instanceof Error ? e.message : String(e)}\n`);
    return false;
  }
}
