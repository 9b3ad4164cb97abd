/**
 * The sample data written by a short-lived child process. Generating it builds large arrays and strings, and a
 * long-running process that did it itself kept that memory for good: `npm start`'s API process held 414 MB
 * after a first start on a fresh clone, against 206 MB when the files were already there.
 */
import { fork } from 'node:child_process';

import type { writeSampleData } from './index.js';
import { siblingModulePath } from '../processes/module-path.js';

export type SampleDataReport = Awaited<ReturnType<typeof writeSampleData>>;

const ENTRY = siblingModulePath(import.meta.url, './in-child-main');

/** writeSampleData(dataDir) with its defaults, run in a child process (this one's loader flags); its report. */
export function writeSampleDataInChild(dataDir: string): Promise<SampleDataReport> {
  return new Promise((resolve, reject) => {
    const child = fork(ENTRY, [dataDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: SampleDataReport | undefined;
    child.on('message', (message) => (report = message as SampleDataReport));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0 && report !== undefined) resolve(report);
      else reject(new Error(`Writing the sample data into ${dataDir} failed (exit ${code ?? signal}); see above`));
    });
  });
}
