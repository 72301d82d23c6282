import { exec } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { waitFor } from '../wait.js';
import type { Need } from '../needs.js';
import type { RowReader, TargetContext, TargetHooks, TargetUser, UserWish } from './hooks.js';
import { sqlRowReader } from './sql-rows.js';

/** The target module named by JOURNAL_TARGET (a path from the working directory), or null for the default. */
export async function importTarget(spec: string | undefined, cwd = process.cwd()): Promise<TargetHooks | null> {
  if (!spec) return null;
  const mod = (await import(pathToFileURL(resolve(cwd, spec)).href)) as { default?: TargetHooks };
  if (!mod.default || typeof mod.default.name !== 'string') {
    throw new Error(`JOURNAL_TARGET=${spec} must default-export defineTarget({ name, ... }) from helpers/deployment/hooks.ts`);
  }
  return mod.default;
}

const execAsync = promisify(exec);

/**
 * The image's container as this run started it (JOURNAL_TARGET_IMAGE): `docker restart`, i.e. its stop
 * signal, then a start of the same container, which keeps its published port and so its URL.
 */
async function restartContainer(id: string): Promise<void> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  await client.container.dockerode.getContainer(id).restart({ t: 10 });
}

/** A deployment reached over HTTP, with what its hooks (or the environment's defaults) can do. */
export class ExternalTarget {
  private rowReader: RowReader | undefined;

  constructor(
    readonly hooks: TargetHooks | null,
    private readonly ctx: TargetContext,
  ) {}

  get name(): string {
    return this.hooks?.name ?? `a deployment of this project's API at ${this.ctx.apiUrl}`;
  }

  createUser(wish: UserWish): Promise<TargetUser> {
    return this.hooks?.createUser ? this.hooks.createUser(this.ctx, wish) : this.ctx.createUserViaApi(wish);
  }

  headers(req: { method: string; url: string }): Record<string, string> | Promise<Record<string, string>> {
    return this.hooks?.headers?.(this.ctx, req) ?? {};
  }

  /** Why rows cannot be read, or null when they can. */
  missingRows(): string | null {
    if (this.hooks?.rows || this.ctx.env.JOURNAL_DATABASE_URL) return null;
    return this.hooks
      ? `the target module "${this.hooks.name}" has no rows hook and JOURNAL_DATABASE_URL is unset`
      : "row-level checks need JOURNAL_DATABASE_URL (this project's schema) or a target module with a rows hook (JOURNAL_TARGET)";
  }

  async rows(): Promise<RowReader> {
    const missing = this.missingRows();
    if (missing) throw new Error(missing);
    this.rowReader ??= this.hooks?.rows ? await this.hooks.rows(this.ctx) : sqlRowReader(this.ctx.env.JOURNAL_DATABASE_URL!);
    return this.rowReader;
  }

  missingRestart(): string | null {
    if (this.hooks?.restart || this.ctx.env.JOURNAL_RESTART_COMMAND || this.ctx.targetContainer) return null;
    return 'a restart needs JOURNAL_RESTART_COMMAND, a target module with a restart hook, or the target as an image (JOURNAL_TARGET_IMAGE)';
  }

  async restart(): Promise<void> {
    if (this.hooks?.restart) return this.hooks.restart(this.ctx);
    if (this.ctx.env.JOURNAL_RESTART_COMMAND) await execAsync(this.ctx.env.JOURNAL_RESTART_COMMAND, { timeout: 180_000 });
    else await restartContainer(this.ctx.targetContainer!);
    await waitFor(async () => (await fetch(`${this.ctx.apiUrl}/health`).catch(() => null))?.ok ?? false, {
      timeoutMs: 60_000,
      what: 'the target to answer /health after its restart',
    });
  }

  /** Why this deployment cannot give a test one of its needs (helpers/needs.ts), or null when it can. */
  missing(need: Need): string | null {
    switch (need) {
      case 'rows':
        return this.missingRows();
      case 'restart':
        return this.missingRestart();
      case 'process':
        return 'needs the backend as a process of this run (pid, SIGKILL, a second process): only under a local provider';
      case 'model-stub':
        return this.missingModel();
      case 'private-postgres':
        return 'needs a PostgreSQL of its own to stop and start: only under a local provider';
      case 'bundled':
        return "about this project's own backend (its schema or code), not a guarantee of the API";
    }
  }

  /** The model URL this run serves its stub at: the target's model hook, else JOURNAL_MODEL_URL. */
  modelUrl(): string | null {
    const model = this.hooks?.model;
    const fromEnv = model?.env ? this.ctx.env[model.env] : undefined;
    return fromEnv || model?.url || this.ctx.env.JOURNAL_MODEL_URL || null;
  }

  /** Why the suite's model stub cannot stand in for the deployment's model server, or null when it can. */
  missingModel(): string | null {
    const url = this.modelUrl();
    if (url) return /^https?:\/\/[^/]+\/?$/.test(url) ? null : `the model URL "${url}" is not http(s)://host:port`;
    const model = this.hooks?.model;
    if (model?.env) return `the target reads its model server from ${model.env}, which this run's environment does not set`;
    return this.hooks
      ? `the target module "${this.hooks.name}" has no model hook and JOURNAL_MODEL_URL is unset: its model cannot be replaced by the suite's stub`
      : "the deployment's model server cannot be replaced by the suite's stub without JOURNAL_MODEL_URL (the URL it was started with) or a target module's model hook";
  }

  async close(): Promise<void> {
    await this.rowReader?.close?.();
  }
}
