import { parseArgs } from 'node:util';
import { apiKeyBanner } from './api/api-keys.js';
import { loadConfig } from './config.js';
import { runDemo } from './demo.js';
import { writeSampleDataInChild } from './sample-data/in-child.js';
import { ensureLoanSchedules } from './pipelines/loan/schedules.js';
import { computeThreadsPerWorker, defaultWorkerCount } from './processes/worker-processes.js';
import { startStack } from './stack.js';

const USAGE = `Usage: npm start [-- --workers N] [-- --no-demo] [-- --exit-after-demo]
  Starts the Temporal dev server (unless TEMPORAL_ADDRESS is set), the API and N Temporal worker processes
  (default ${defaultWorkerCount()}: one per two cores; 0 runs none here), runs the demo pipelines and keeps
  serving until Ctrl-C. A worker process that dies is restarted.`;

function parseCli(argv: string[]): { help: boolean; demo: boolean; exitAfterDemo: boolean; workers: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      workers: { type: 'string' },
      'no-demo': { type: 'boolean', default: false },
      'exit-after-demo': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const workers = values.workers === undefined ? defaultWorkerCount() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0)
    throw new Error(`--workers must be a whole number ≥ 0, got "${values.workers}"`);
  return { help: values.help, demo: !values['no-demo'], exitAfterDemo: values['exit-after-demo'], workers };
}

/** The main command: the whole stack on one machine, the demo runs, and the links to look at them. */
async function run(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  if (cli.help) {
    console.log(USAGE);
    return;
  }
  const log = (line: string) => console.log(line);
  const config = loadConfig();
  // In a child process: generating the samples in this long-running one left it ~200 MB larger for good.
  const samples = await writeSampleDataInChild(config.dataDir);
  const generated = Object.values(samples).reduce((sum, report) => sum + report.written.length, 0);
  if (generated > 0) log(`Generated ${generated} sample data files in ${config.dataDir}`);

  const stack = await startStack(config, log, { workers: cli.workers });
  let stopped = false;
  const stop = async (reason: string) => {
    if (stopped) return;
    stopped = true;
    log(`\n${reason}: stopping the API, the workers (in-flight activities finish) and the dev server ...`);
    await stack.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop(signal).then(() => process.exit(0)));
  }

  log(`\nTemporal: ${stack.temporalAddress} (namespace ${config.namespace}, task queue ${config.taskQueue})`);
  if (stack.temporalUiUrl) log(`Temporal Web UI: ${stack.temporalUiUrl}`);
  log(`API: ${stack.apiUrl}   API docs (OpenAPI): ${stack.apiUrl}/docs`);
  apiKeyBanner(stack.apiUrl, stack.apiKeys).forEach((line) => log(line));
  const threads = process.env.COMPUTE_THREADS ?? computeThreadsPerWorker(cli.workers);
  log(
    `Workers: ${cli.workers} processes (pids ${stack.workers.pids().join(', ') || 'none'}), ` +
      `compute threads each: ${threads}`,
  );

  const schedules = await ensureLoanSchedules(stack.connections.client, config);
  log(
    `Schedules (daily, ${config.scheduleTimeZone}): created [${schedules.created.join(', ')}] updated [${schedules.updated.join(', ')}]`,
  );

  let demoOk = true;
  if (cli.demo) {
    log('\nRunning the demo pipelines as Temporal workflows ...');
    demoOk = await runDemo({ url: stack.apiUrl, key: stack.apiKey }, log);
  }
  if (cli.exitAfterDemo) {
    await stop('Demo finished');
    process.exitCode = demoOk ? 0 : 1;
    return;
  }
  // "Serving" means a run started now is picked up at once: the workers poll (the demo's runs simply queued).
  if (cli.workers > 0) {
    await stack.workers
      .ready(120_000)
      .catch((err: Error) => log(`Warning: ${err.message}; runs wait in the task queue until one polls.`));
  }
  const keyForCurl = stack.apiKeys.generated ? stack.apiKey : '$API_KEY';
  log(`\nServing. Try: curl -H "Authorization: Bearer ${keyForCurl}" ${stack.apiUrl}/models   (Ctrl-C to stop)`);
  await stack.stopped;
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
