import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/stack/paths.js';
import { type BuildMessage, buildFailure, contextEntries, interpretBuildOutput, sameImage } from './image-build.js';

// The engine answers a build with 200 and a stream of JSON messages whatever happens; a failed step is
// only a message in that stream. These are the shapes the classic builder sends.
const ok: BuildMessage[] = [
  { stream: 'Step 1/12 : ARG NODE_IMAGE=node:20-bookworm-slim' },
  { stream: '\n' },
  { stream: ' ---> Using cache\n ---> 4f2a9c1d0e7b\n' },
  { aux: { ID: 'sha256:4f2a9c1d0e7b8a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29' } },
  { stream: 'Successfully built 4f2a9c1d0e7b\n' },
  { stream: 'Successfully tagged journal/backend:suite\n' },
];

const failedRun: BuildMessage[] = [
  { stream: 'Step 5/12 : RUN npm ci --omit=dev --ignore-scripts\n' },
  { stream: ' ---> Running in 1a2b3c4d5e6f\n' },
  { stream: 'npm error code SELF_SIGNED_CERT_IN_CHAIN\n' },
  {
    errorDetail: { code: 1, message: "The command '/bin/sh -c npm ci --omit=dev --ignore-scripts' returned a non-zero code: 1" },
    error: "The command '/bin/sh -c npm ci --omit=dev --ignore-scripts' returned a non-zero code: 1",
  },
];

describe('interpretBuildOutput', () => {
  it('reads the image id of a successful build and keeps its output line by line', () => {
    const outcome = interpretBuildOutput(ok);
    expect(outcome.error).toBeUndefined();
    expect(outcome.imageId).toBe('sha256:4f2a9c1d0e7b8a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29');
    expect(outcome.log).toContain('Successfully tagged journal/backend:suite');
    expect(outcome.log).not.toContain('');
  });

  it('takes the short id of "Successfully built" when the engine sends no aux message', () => {
    expect(interpretBuildOutput(ok.filter((m) => !m.aux)).imageId).toBe('4f2a9c1d0e7b');
  });

  it("reports a failed step with the builder's own message, and no image", () => {
    const outcome = interpretBuildOutput(failedRun);
    expect(outcome.error).toBe("The command '/bin/sh -c npm ci --omit=dev --ignore-scripts' returned a non-zero code: 1");
    expect(outcome.imageId).toBeUndefined();
    expect(outcome.log).toContain('npm error code SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('reports an error that comes without errorDetail (a base image the engine cannot pull)', () => {
    const outcome = interpretBuildOutput([{ error: 'pull access denied for journal/node, repository does not exist' }]);
    expect(outcome.error).toBe('pull access denied for journal/node, repository does not exist');
  });

  it('counts a build with an error as failed even when an id was printed before it', () => {
    expect(interpretBuildOutput([...ok, { error: 'failed to export image' }]).error).toBe('failed to export image');
  });

  it("drops the colour codes the builder wraps a step's stderr in", () => {
    expect(interpretBuildOutput([{ stream: '\x1b[91m/bin/sh: 1: npm: not found\n\x1b[0m' }]).log).toEqual(['/bin/sh: 1: npm: not found']);
  });

  it('keeps the first error when several follow', () => {
    expect(interpretBuildOutput([{ error: 'first' }, { errorDetail: { message: 'second' } }]).error).toBe('first');
  });
});

describe('buildFailure', () => {
  it("names the tag and the builder's error, followed by the output that led to it", () => {
    const message = buildFailure('journal/backend:suite', interpretBuildOutput(failedRun)).message;
    expect(message).toContain('journal/backend:suite');
    expect(message).toContain('returned a non-zero code: 1\n');
    expect(message).toContain('Step 5/12 : RUN npm ci');
    expect(message).toContain('SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('says so when the output ended without an image id or an error', () => {
    expect(buildFailure('t', interpretBuildOutput(ok.slice(0, 3))).message).toMatch(/reported no image id/);
  });

  it('quotes only the last lines of a long output', () => {
    const long = interpretBuildOutput([...Array.from({ length: 100 }, (_, i) => ({ stream: `line ${i}\n` })), { error: 'boom' }]);
    const message = buildFailure('t', long, 5).message;
    expect(message).toContain('line 99');
    expect(message).not.toContain('line 95\n');
  });
});

describe('sameImage', () => {
  const id = 'sha256:4f2a9c1d0e7b8a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29';

  it('matches the full id and the short id the builder prints', () => {
    expect(sameImage(id, id)).toBe(true);
    expect(sameImage('4f2a9c1d0e7b', id)).toBe(true);
  });

  it('tells an older image under the same tag apart', () => {
    expect(sameImage('sha256:0000000000000000000000000000000000000000000000000000000000000000', id)).toBe(false);
    expect(sameImage('9e8d7c6b5a4f', id)).toBe(false);
  });

  it('refuses a prefix too short to name one image', () => {
    expect(sameImage('4f2a', id)).toBe(false);
    expect(sameImage('', id)).toBe(false);
  });
});

describe('contextEntries', () => {
  it('sends what the Dockerfile copies and what .dockerignore lets through, and the Dockerfile itself', async () => {
    const entries = await contextEntries(repoRoot);
    expect(entries).toEqual(
      expect.arrayContaining(['Dockerfile', 'package.json', 'package-lock.json', 'tsconfig.json', 'src/server/main.ts']),
    );
    expect(entries.filter((e) => e.endsWith('.test.ts'))).toEqual([]);
    expect(entries.filter((e) => /^(node_modules|tests|helpers|\.git)\//.test(e))).toEqual([]);
  });
});
