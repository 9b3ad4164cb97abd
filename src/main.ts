import { apiKeyBanner } from './api/api-keys.js';
import { loadConfig } from './config.js';
import { runDemo } from './demo.js';
import { writeSampleData } from './sample-data/index.js';
import { ensureLoanSchedules } from './pipelines/loan/schedules.js';
import { startStack } from './stack.js';

const USAGE = `Usage: npm start [-- --no-demo] [-- --exit-after-demo]
  Starts the Temporal dev server (unless TEMPORAL_ADDRESS is set), the worker and the API, runs the demo
  pipelines and keeps serving until Ctrl-C.`;

/** The main command: the whole stack on one machine, the demo runs, and the links to look at them. */
async function run(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  if (args.has('--help') || args.has('-h')) {
    console.log(USAGE);
    return;
  }
  const log = (line: string) => console.log(line);
  const config = loadConfig();
  const samples = await writeSampleData(config.dataDir);
  const generated = Object.values(samples).reduce((sum, report) => sum + report.written.length, 0);
  if (generated > 0) log(`Generated ${generated} sample data files in ${config.dataDir}`);

  const stack = await startStack(config, log);
  let stopped = false;
  const stop = async (reason: string) => {
    if (stopped) return;
    stopped = true;
    log(`\n${reason}: stopping the API, the worker (in-flight activities finish) and the dev server ...`);
    await stack.stop();
  };
  // The SDK already shuts the worker down on these signals; this closes the API and the dev server after it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop(signal).then(() => process.exit(0)));
  }

  log(`\nTemporal: ${stack.temporalAddress} (namespace ${config.namespace}, task queue ${config.taskQueue})`);
  if (stack.temporalUiUrl) log(`Temporal Web UI: ${stack.temporalUiUrl}`);
  log(`API: ${stack.apiUrl}   API docs (OpenAPI): ${stack.apiUrl}/docs`);
  apiKeyBanner(stack.apiUrl, stack.apiKeys).forEach((line) => log(line));

  const schedules = await ensureLoanSchedules(stack.connections.client, config);
  log(
    `Schedules (daily, ${config.scheduleTimeZone}): created [${schedules.created.join(', ')}] updated [${schedules.updated.join(', ')}]`,
  );

  let demoOk = true;
  if (!args.has('--no-demo')) {
    log('\nRunning the demo pipelines as Temporal workflows ...');
    demoOk = await runDemo({ url: stack.apiUrl, key: stack.apiKey }, log);
  }
  if (args.has('--exit-after-demo')) {
    await stop('Demo finished');
    process.exitCode = demoOk ? 0 : 1;
    return;
  }
  const keyForCurl = stack.apiKeys.generated ? stack.apiKey : '$API_KEY';
  log(`\nServing. Try: curl -H "Authorization: Bearer ${keyForCurl}" ${stack.apiUrl}/models   (Ctrl-C to stop)`);
  await stack.workerDone;
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
