/**
 * The prediction bench's client, run as a process of its own so that building requests and reading answers
 * never shares the API's event loop (what a real caller is): sends one body `count` times, one request after
 * another after `warmup` untimed ones, and prints each timed request's milliseconds as JSON.
 *
 *   node --import tsx bench/predict/client.ts <url> <bodyFile> <warmup> <count>   (API key in BENCH_API_KEY)
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

async function main(): Promise<void> {
  const [url, bodyFile, warmup, count] = process.argv.slice(2);
  // Serialised once: the client's JSON.stringify is not the API's latency.
  const body = await readFile(bodyFile, 'utf8');
  const headers = { authorization: `Bearer ${process.env.BENCH_API_KEY}`, 'content-type': 'application/json' };
  const times: number[] = [];
  for (let i = 0; i < Number(warmup) + Number(count); i++) {
    const start = performance.now();
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${text.slice(0, 300)}`);
    if (i >= Number(warmup)) times.push(performance.now() - start);
  }
  process.stdout.write(JSON.stringify(times));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
