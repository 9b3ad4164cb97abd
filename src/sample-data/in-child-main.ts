/** The child process of in-child.ts: writes the sample data into the data dir it is given and reports back. */
import { writeSampleData } from './index.js';

async function run(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir || !process.send) throw new Error('Run by in-child.ts: a data dir argument and an IPC channel');
  const report = await writeSampleData(dataDir);
  // Disconnecting once the report is sent lets the process end.
  process.send(report, () => process.disconnect());
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
