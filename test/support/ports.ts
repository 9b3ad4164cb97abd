import { createServer } from 'node:net';

/**
 * Ports are picked below Linux's ephemeral range (32768-60999 by default). A port the OS hands out for
 * `listen(0)` is also what it hands out as the local port of outgoing connections, so between picking it and the
 * stack listening on it, a connection of the dev server (started first) could take it: seen as EADDRINUSE
 * once in a run of the failure tests. The range also suits Temporal's membership ports (a smallint column).
 */
const LOWEST = 20_000;
const SPAN = 12_000;

/** Whether something could listen on `port` of 127.0.0.1 right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

/** A port nothing listens on right now, outside the range the OS picks local ports from, and not in `taken`. */
export async function freePort(taken: ReadonlySet<number> = new Set()): Promise<number> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * SPAN);
    if (!taken.has(port) && (await portIsFree(port))) return port;
  }
  throw new Error(`no free port between ${LOWEST} and ${LOWEST + SPAN}`);
}
