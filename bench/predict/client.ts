/**
 * The prediction bench's client, run as a process of its own so that building requests and reading answers
 * never shares the API's event loop (what a real caller is): sends each target's body `count` times, one
 * request after another after `warmup` untimed rounds, and prints each target's timed milliseconds as JSON.
 * Several targets are sent in turn (A, B, C, A, B, C, ...), so a slow spell of the machine falls on all alike
 * rather than on whichever was measured first.
 *
 *   node --import tsx bench/predict/client.ts <warmup> <count> <url> <bodyFile> [<url> <bodyFile> ...]
 *   (API key in BENCH_API_KEY)
 *
 * Plain `node:http` with one keep-alive socket, not `fetch`: undici's fetch costs about 1 ms per request and
 * several ms at p99 in the client itself (measured against the same server: one-row p50 1.30 ms with fetch,
 * 0.36 ms with node:http), which is the client's latency, not the API's.
 */
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

function post(url: URL, agent: Agent, body: Buffer): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${process.env.BENCH_API_KEY}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const elapsed = performance.now() - start;
          if (response.statusCode !== 200) {
            const text = Buffer.concat(chunks).toString('utf8').slice(0, 300);
            reject(new Error(`POST ${url.href}: ${response.statusCode} ${text}`));
          } else {
            resolve(elapsed);
          }
        });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const [warmup, count, ...pairs] = process.argv.slice(2);
  const targets: { url: URL; body: Buffer }[] = [];
  // Serialised once: the client's JSON.stringify is not the API's latency.
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    targets.push({ url: new URL(pairs[i]), body: await readFile(pairs[i + 1]) });
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[][] = targets.map(() => []);
  try {
    for (let round = 0; round < Number(warmup) + Number(count); round++) {
      for (const [t, target] of targets.entries()) {
        const ms = await post(target.url, agent, target.body);
        if (round >= Number(warmup)) times[t].push(ms);
      }
    }
  } finally {
    agent.destroy();
  }
  process.stdout.write(JSON.stringify(times));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
