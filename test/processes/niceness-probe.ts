/**
 * For the niceness test: a process with a thread started before and one after lowerThreadPriorities(7), which
 * prints the niceness of each of its threads (from /proc) as JSON.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

import { lowerThreadPriorities } from '../../src/processes/niceness.js';

const idleThread = () => new Worker('setInterval(() => {}, 1000)', { eval: true });
const before = idleThread();
await new Promise((resolve) => before.once('online', resolve));
lowerThreadPriorities(7);
const after = idleThread();
await new Promise((resolve) => after.once('online', resolve));

// /proc/<pid>/task/<tid>/stat: "tid (comm) state ..."; niceness is the 19th field, the 17th after the comm.
const niceness = readdirSync('/proc/self/task').map((tid) => {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
});
process.stdout.write(JSON.stringify(niceness));
await Promise.all([before.terminate(), after.terminate()]);
