/**
 * The workflow bundle written by a short-lived process of its own. webpack leaves the process that bundles
 * with a heap V8 keeps: the main process of `npm start` (the API) held about 430 MB resident after bundling
 * in-process, most of it webpack's garbage. `npm start` and the cluster bundle here; worker processes load the
 * file.
 *
 *   node --import tsx src/temporal/workflow-bundle-process.ts <codePath>
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeWorkflowBundle } from './worker.js';

const ENTRY = fileURLToPath(import.meta.url);

/** Writes the bundle to `codePath` from a child process (this process's loader flags); resolves with the path. */
export function writeWorkflowBundleInChild(codePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ENTRY, codePath], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(codePath);
      else reject(new Error(`Bundling the workflows failed (${signal ?? `exit code ${code}`}); its error is above`));
    });
  });
}

async function run(): Promise<void> {
  const codePath = process.argv[2];
  if (!codePath) throw new Error('usage: workflow-bundle-process.ts <codePath>');
  await writeWorkflowBundle(codePath);
}

if (process.argv[1] === ENTRY) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
