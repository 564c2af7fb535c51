#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './cli/switchboard-cli.js';

const code = await runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
});
process.exitCode = code;
