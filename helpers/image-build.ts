import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';

/**
 * Builds an image from a Dockerfile through the engine's build API and fails with the build's own error.
 *
 * testcontainers' `GenericContainer.fromDockerfile().build()` reads the build output only to log it: a
 * failed `RUN` still resolves, so with an older image under the same tag the suite went on against stale
 * code, and on a fresh engine it failed with nothing but "Failed to build image". Here every message of the
 * output is read: an `error`/`errorDetail` fails the build with that message and the output before it, and
 * the image id the builder reports must be the one the tag now names.
 */

/** One JSON message of the engine's build output (classic builder: `stream`, `aux.ID`, `error`). */
export interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { ID?: string };
}

export interface BuildOutcome {
  /** The built image's id (`sha256:…`), when the builder reported one. */
  imageId?: string;
  /** The first error the builder reported; a build with an error failed, whatever else it said. */
  error?: string;
  /** The build's text output, line by line, for the error message. */
  log: string[];
}

// A step's stderr reaches the stream wrapped in colour codes; the error message is read in a terminal or a CI log.
const ANSI = /\x1b\[[0-9;]*m/g;

/** Reads a build's messages; pure, so the failure cases are unit-tested without an engine. */
export function interpretBuildOutput(messages: readonly BuildMessage[]): BuildOutcome {
  const log: string[] = [];
  let imageId: string | undefined;
  let error: string | undefined;
  for (const m of messages) {
    const text = (m.stream ?? m.status)?.replace(ANSI, '');
    if (text) log.push(...text.split('\n').filter((l) => l.trim() !== ''));
    const failure = m.errorDetail?.message || m.error;
    if (failure) {
      error ??= failure.trim();
      log.push(failure.trim());
    }
    if (m.aux?.ID) imageId = m.aux.ID;
    // Engines that send no aux message still print the short id.
    const built = m.stream?.match(/^Successfully built ([0-9a-f]{12,64})\s*$/m);
    if (built && !imageId) imageId = built[1];
  }
  return { ...(imageId && { imageId }), ...(error && { error }), log };
}

/** Whether an image id from the build output (full `sha256:…` or a short hex prefix) names `inspectedId`. */
export function sameImage(reported: string, inspectedId: string): boolean {
  const bare = (id: string) => id.replace(/^sha256:/, '');
  return bare(inspectedId).startsWith(bare(reported)) && bare(reported).length >= 12;
}

/** The error a failed build raises: the builder's message and the output that led to it. */
export function buildFailure(tag: string, outcome: BuildOutcome, tailLines = 30): Error {
  const tail = outcome.log.slice(-tailLines).join('\n');
  const reason = outcome.error ?? 'the build output reported no image id';
  return new Error(`building image ${tag} failed: ${reason}\n--- last lines of the build output ---\n${tail}`);
}

export interface BuildOptions {
  context: string;
  tag: string;
  buildArgs?: Record<string, string>;
}

// The same packer and .dockerignore rules testcontainers uses, resolved through it rather than as
// dependencies of this project: they come with testcontainers and dockerode, whatever npm hoists.
const fromTestcontainers = createRequire(createRequire(import.meta.url).resolve('testcontainers'));
type Ignore = { add(patterns: string): Ignore; filter(paths: string[]): string[] };
const dockerignore = fromTestcontainers('@balena/dockerignore') as (opts: { ignorecase: boolean }) => Ignore;
const tar = fromTestcontainers('tar-fs') as { pack(dir: string, opts: { entries: string[] }): Readable };

/** The files of the context that .dockerignore lets through, plus the Dockerfile (which it may exclude). */
export async function contextEntries(context: string): Promise<string[]> {
  const all: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await fs.readdir(path.join(context, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(rel);
      else all.push(rel);
    }
  };
  const patterns = await fs.readFile(path.join(context, '.dockerignore'), 'utf8').catch(() => '');
  const ignore = dockerignore({ ignorecase: false }).add(patterns);
  // Excluded directories are not walked (node_modules alone holds tens of thousands of files).
  for (const top of await fs.readdir(context, { withFileTypes: true })) {
    if (ignore.filter([top.name]).length === 0 && top.name !== 'Dockerfile') continue;
    if (top.isDirectory()) await walk(top.name);
    else all.push(top.name);
  }
  const entries = ignore.filter(all);
  if (!entries.includes('Dockerfile')) entries.push('Dockerfile');
  return entries;
}

/** Builds `tag` from `context`/Dockerfile; resolves with the image id, or throws the build's own error. */
export async function buildImage(dockerode: Dockerode, opts: BuildOptions): Promise<string> {
  const pack = tar.pack(opts.context, { entries: await contextEntries(opts.context) });
  // version 1 (the classic builder): its output is the JSON messages read above, and it needs no frontend
  // image from a registry, which an air-gapped engine could not pull.
  const stream = await dockerode.buildImage(pack, {
    t: opts.tag,
    buildargs: opts.buildArgs ?? {},
    version: '1',
  } as Dockerode.ImageBuildOptions);
  const messages = await new Promise<BuildMessage[]>((resolve, reject) => {
    dockerode.modem.followProgress(stream, (err: Error | null, out: BuildMessage[]) => (err ? reject(err) : resolve(out)));
  }).catch((err: Error) => [{ error: `the build stream failed: ${err.message}` }] as BuildMessage[]);
  const outcome = interpretBuildOutput(messages);
  if (outcome.error || !outcome.imageId) throw buildFailure(opts.tag, outcome);
  const inspected = await dockerode.getImage(opts.tag).inspect();
  if (!sameImage(outcome.imageId, inspected.Id)) {
    throw buildFailure(opts.tag, {
      ...outcome,
      error: `the tag names ${inspected.Id}, not the image this build produced (${outcome.imageId})`,
    });
  }
  return inspected.Id;
}
