import { loadConfig } from '../src/config.js';
import { connectTemporal } from '../src/temporal/connection.js';
import { ensureLoanSchedules } from '../src/pipelines/loan/schedules.js';

/** Creates or updates the three daily loan schedules on TEMPORAL_ADDRESS (idempotent). */
async function run(): Promise<void> {
  const config = loadConfig();
  const connections = await connectTemporal(
    config.temporalAddress ?? `127.0.0.1:${config.devServerPort}`,
    config.namespace,
  );
  try {
    const { created, updated } = await ensureLoanSchedules(
      connections.client,
      config,
      process.env.LOAN_DATASET ?? 'loan',
    );
    console.log(
      `Schedules (${config.scheduleTimeZone}): created [${created.join(', ')}], updated [${updated.join(', ')}]`,
    );
  } finally {
    await connections.close();
  }
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
