import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureTemporalCli } from '../src/temporal/cli.js';

/** Installs (if needed) and prints the temporal CLI the project will use. */
async function run(): Promise<void> {
  const path = await ensureTemporalCli((line) => console.log(line));
  const { stdout } = await promisify(execFile)(path, ['--version']);
  console.log(`${stdout.trim()} (${path})`);
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
