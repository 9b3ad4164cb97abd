/**
 * A stand-in worker process for the supervisor's own test: reports ready as src/worker.ts does, then idles
 * until SIGTERM or until its parent's IPC channel closes.
 */
import { WORKER_READY_MESSAGE } from '../../src/processes/worker-processes.js';

const keepAlive = setInterval(() => undefined, 60_000);
const exit = () => {
  clearInterval(keepAlive);
  process.exit(0);
};
process.once('SIGTERM', exit);
process.once('disconnect', exit);
process.send?.(WORKER_READY_MESSAGE);
