import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Three projects: `unit` runs pure code and in-process stubs (no database, no child process; seconds);
// `process` holds the tests under src/ that boot a real PostgreSQL cluster of their own or backend
// children (the supervisor's tests, and code run in-process over a real database); `integration` boots
// the stack once in globalSetup and hands it to workers through provide/inject.
// `npx vitest run --project unit` is the quick loop. A new src/ test that boots PostgreSQL belongs here.
const PROCESS_TESTS = ['src/stack/backend.test.ts', 'src/stack/boot.test.ts', 'src/stack/postgres.test.ts'];
/** A deployment under test (README "Testing your own deployment") instead of the bundled backend. */
const external = Boolean(process.env.JOURNAL_API_URL || process.env.JOURNAL_TARGET_IMAGE);

export default defineConfig({
  test: {
    // Vitest's default is one worker less than the cores: one worker on a 2-core machine, which ran the
    // whole suite file by file. Integration files spend most of their time waiting on PostgreSQL and the
    // backend child (other processes), so one worker per core, and at least two. `--maxWorkers` overrides.
    // Against a deployment, one worker: every file shares it (and a restart of it), and its rate limit, not
    // the cores, bounds the pace.
    maxWorkers: external ? 1 : Math.max(2, availableParallelism()),
    // The verdict (reports/verdict.md, reports/verdict.junit.xml, $GITHUB_STEP_SUMMARY) for integration runs.
    reporters: ['default', './helpers/deployment/verdict-reporter.ts', ...(process.env.CI ? ['junit'] : [])],
    outputFile: { junit: 'reports/junit.xml' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Property tests are CPU-bound: on a loaded 2-core runner they may take many times their idle
          // time. A timeout is not an assertion about speed here; 60 s only catches a hang.
          testTimeout: 60_000,
          include: ['src/**/*.test.ts', 'fixtures/**/*.test.ts', 'helpers/**/*.test.ts'],
          exclude: PROCESS_TESTS,
          environment: 'node',
          // Unit files share a worker's module graph instead of re-importing it per file (~40 s -> ~20 s).
          // They keep no state between files: each makes its own servers and fakes and closes them, and
          // module-level maps are caches. JOURNAL_ISOLATE=1 re-imports per file (Stryker's static mutants
          // need that: `JOURNAL_ISOLATE=1 npx stryker run --ignoreStatic false`).
          isolate: process.env.JOURNAL_ISOLATE === '1',
        },
      },
      {
        extends: true,
        test: {
          name: 'process',
          include: PROCESS_TESTS,
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['helpers/global-setup.ts'],
          setupFiles: ['helpers/setup-file.ts'],
          // A deployment may rate-limit (the original: 100 requests/min); its 429s are waited out.
          testTimeout: external ? 900_000 : 60_000,
          hookTimeout: external ? 900_000 : 120_000,
        },
      },
    ],
  },
});
