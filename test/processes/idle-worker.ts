/**
 * A stand-in worker process for the supervisor's own test: reports ready as src/worker.ts does (unless
 * IDLE_WORKER_SILENT=1: a worker that never gets to poll), then idles until SIGTERM or until its parent's IPC
 * channel closes.
 */
import { WORKER_READY_MESSAGE } from '../../src/processes/worker-processes.js';

const keepAlive = setInterval(() => undefined, 60_000);
const exit = () => {
  clearInterval(keepAlive);
  process.exit(0);
};
process.once('SIGTERM', exit);
process.once('disconnect', exit);
if (process.env.IDLE_WORKER_SILENT !== '1') process.send?.(WORKER_READY_MESSAGE);
