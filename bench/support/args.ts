/** Command-line flags shared by the bench scripts (each parses its own with node:util's parseArgs). */
import { BenchSetupError } from './entry.js';

/** A flag holding a count (runs, repeats, seeds): a whole number ≥ 1, else a usage error. */
export function positiveInteger(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new BenchSetupError(`--${flag} must be a positive integer`);
  return parsed;
}

/** The flags every bench that times fits against scikit-learn has: --repeats 3, --no-sklearn, --out FILE.md. */
export function fitBenchOptions(defaultOut: string) {
  return {
    repeats: { type: 'string', default: '3' },
    'no-sklearn': { type: 'boolean', default: false },
    out: { type: 'string', default: defaultOut },
  } as const;
}
