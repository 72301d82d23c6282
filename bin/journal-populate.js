#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so the installed command needs no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/populate/cli.ts');
await runCli();
