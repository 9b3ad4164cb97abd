import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { LOAN_SAMPLE_CUSTOMERS, writeSampleData, type WriteReport } from '../src/sample-data/index.js';

const USAGE = `Usage: tsx scripts/generate-data.ts [--data-dir DIR] [--seed N] [--customers N] [--overwrite]

Writes the seeded sample datasets into the data dir (default: $DATA_DIR, else <project>/data):
the customer-segmentation CSVs at its top level and the four loan-default CSVs in loan/ (and the
drifted copy in loan_drift/), with --customers loan customers (default ${LOAN_SAMPLE_CUSTOMERS}; one loan each).
Existing files are kept unless --overwrite is given. The same seed and count always produce the same bytes.`;

interface CliOptions {
  dataDir: string;
  seed: number;
  customers: number;
  overwrite: boolean;
}

function parseCli(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      seed: { type: 'string', default: '42' },
      customers: { type: 'string', default: String(LOAN_SAMPLE_CUSTOMERS) },
      overwrite: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);
  const customers = Number(values.customers);
  if (!Number.isInteger(customers) || customers < 1) {
    throw new Error(`--customers must be a positive integer, got "${values.customers}"`);
  }
  const dataDir = values['data-dir'] === undefined ? loadConfig().dataDir : resolve(values['data-dir']);
  return { dataDir, seed, customers, overwrite: values.overwrite };
}

/** Paths under the working directory read better relative; anything else is shown as given. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? path : rel;
}

function printReport(label: string, { written, skipped }: WriteReport): void {
  for (const path of written) console.log(`wrote   ${displayPath(path)}`);
  for (const path of skipped) console.log(`skipped ${displayPath(path)} (exists; pass --overwrite to replace it)`);
  console.log(`${label}: ${written.length} written, ${skipped.length} skipped`);
}

async function run(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const { dataDir, seed, customers, overwrite } = options;
  console.log(`seed ${seed}, ${customers} loan customers, data dir ${displayPath(dataDir)}`);
  const report = await writeSampleData(dataDir, { seed, overwrite, loanCustomers: customers });
  printReport('segmentation samples', report.segmentation);
  printReport('loan samples', report.loan);
  printReport('drifted loan samples', report.loanDrift);
}

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  console.error(`\n${USAGE}`);
  process.exit(1);
});
