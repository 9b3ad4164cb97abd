/**
 * The prediction bench's client, run as a process of its own so that building requests and reading answers
 * never shares the API's event loop (what a real caller is): sends one body `count` times, one request after
 * another after `warmup` untimed ones, and prints each timed request's milliseconds as JSON.
 *
 *   node --import tsx bench/predict/client.ts <url> <bodyFile> <warmup> <count>   (API key in BENCH_API_KEY)
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
  const [url, bodyFile, warmup, count] = process.argv.slice(2);
  // Serialised once: the client's JSON.stringify is not the API's latency.
  const body = await readFile(bodyFile);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  const times: number[] = [];
  try {
    for (let i = 0; i < Number(warmup) + Number(count); i++) {
      const ms = await post(target, agent, body);
      if (i >= Number(warmup)) times.push(ms);
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
