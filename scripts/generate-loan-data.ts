import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { writeLoanSampleData } from '../src/sample-data/loan.js';

const USAGE = `Usage: tsx scripts/generate-loan-data.ts --out DIR [--seed N] [--customers N]
                                          [--drift-from YYYY-MM-01] [--drift-strength X]

Writes the four loan-default CSVs (features_attributes, features_financials, feature_clickstream,
lms_loan_daily) with the CS611 course headers, formats and dirt. Same options → same bytes.
--drift-from shifts feature distributions and weakens the default signal from that snapshot month on.`;

interface CliOptions {
  out: string;
  seed: number;
  customers: number;
  driftFromMonth?: string;
  driftStrength?: number;
}

function parseNumber(name: string, value: string, integer: boolean): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) {
    throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'}, got "${value}"`);
  }
  return parsed;
}

function parseCli(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      seed: { type: 'string', default: '42' },
      customers: { type: 'string', default: '2000' },
      'drift-from': { type: 'string' },
      'drift-strength': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (values.out === undefined) throw new Error('--out is required');
  return {
    out: resolve(values.out),
    seed: parseNumber('seed', values.seed, true),
    customers: parseNumber('customers', values.customers, true),
    driftFromMonth: values['drift-from'],
    driftStrength:
      values['drift-strength'] === undefined
        ? undefined
        : parseNumber('drift-strength', values['drift-strength'], false),
  };
}

/** Paths under the working directory read better relative; anything else is shown as given. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? path : rel;
}

async function run(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const { out, ...generatorOptions } = options;
  const started = performance.now();
  const { files, rows } = await writeLoanSampleData(out, generatorOptions);
  for (const [table, path] of Object.entries(files)) {
    console.log(`wrote ${displayPath(path)} (${rows[table as keyof typeof rows]} rows)`);
  }
  const drift = options.driftFromMonth ? `, drift from ${options.driftFromMonth}` : '';
  console.log(
    `seed ${options.seed}, ${options.customers} customers${drift}, ${Math.round(performance.now() - started)} ms`,
  );
}

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  console.error(`\n${USAGE}`);
  process.exit(1);
});
