// @ts-check
/**
 * Mutation testing of the suite: `npm run mutate` (script: "mutate": "stryker run").
 *
 * Only code that runs inside a vitest worker can be killed: Stryker's instrumentation never reaches the
 * backend child processes the integration project starts. src/services and src/server are mutated because
 * tests run them in the worker: tests/persistence/services-direct.test.ts calls the services over the
 * file's cloned database, tests/populate runs the CLI in the worker against the app, and the integration
 * files run the app in the worker (helpers/stack.ts: buildApp on the file's cloned database) unless a test
 * needs a process; tests/contract drives every route of
 * the table. Files whose backend is a child process cover no mutant and are only run in the dry run.
 * `testFiles` lists the unit test files (minus src/stack, whose tests boot real PostgreSQL and exercise
 * no mutated file) and the integration files.
 *
 * Reports: reports/mutation/mutation.html, reports/mutation/mutation.json, and the table on stdout.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/domain/**/*.ts',
    'src/ai/**/*.ts',
    'src/populate/**/*.ts',
    'src/server/**/*.ts',
    'src/services/**/*.ts',
    '!src/**/*.test.ts',
    // The process entry (env parsing, listen, signal handling): only the integration project starts it, as
    // a child process, so no unit test could cover a mutant there.
    '!src/server/main.ts',
    // The terminal progress bar (a TTY-only side effect, not behaviour the suite promises).
    '!src/populate/progress.ts',
    // Reached only by the integration project (tests/populate, `npm start`): no unit test imports them, so
    // every mutant there would be "no coverage" by construction, not a finding.
    '!src/populate/verify.ts',
    '!src/populate/seed-scenario.ts',
  ],
  testFiles: [
    'src/domain/**/*.test.ts',
    'src/ai/**/*.test.ts',
    'src/populate/**/*.test.ts',
    'src/server/**/*.test.ts',
    'src/services/**/*.test.ts',
    'src/contract/**/*.test.ts',
    'fixtures/**/*.test.ts',
    'helpers/**/*.test.ts',
    'tests/**/*.test.ts',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level tables: the lexicon's word lists, populate's themes) need a fresh module
  // graph per mutant and were measured at 26% of the mutants but ~82% of the run time. They are reported
  // as "Ignored" and left out of the score; `JOURNAL_ISOLATE=1 npx stryker run --ignoreStatic false` tests
  // them too (hours; the unit project shares module graphs between files unless JOURNAL_ISOLATE=1).
  ignoreStatic: true,
  concurrency: 2,
  // The machine this was sized on has 2 cores and other work; generous, since a timeout still counts as killed.
  timeoutMS: 10_000,
  dryRunTimeoutMinutes: 10,
  ignorePatterns: ['.journal', 'reports', 'coverage', 'bench/results.json', 'bench/populate-results.json', 'dist'],
  reporters: ['html', 'clear-text', 'json', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
