/** feature_clickstream.csv rows: fe_1..fe_20 monthly for the customers who have clickstream. */
import { CLICKSTREAM_COLUMNS } from '../../pipelines/loan/medallion/schemas.js';
import type { UniformRng } from '../../ml/random.js';
import { standardNormal as normal } from '../draws.js';
import { monthDate } from './format.js';
import type { DriftSettings, Profile } from './profile.js';

// Values are ~N(100, 100) like the course file; fe_10 (and fe_9, fe_4) carry the engagement signal. After a
// defaulter's loan start fe_10 jumps, so any aggregation that looks past the application date would leak the
// label (a trap the gold layer must avoid).

/** Clickstream covers 24 months (2023-01 … 2024-12), as in the real file. */
const CLICKSTREAM_MONTHS = 24;
const FE_BASE = [101, 103, 104, 106, 107, 103, 107, 111, 114, 118, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100];
const FE_ENGAGEMENT_LOAD = [0, 0, 0, 0.4, 0, 0, 0, 0, -0.6, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/** Month-to-month noise; with the engagement term the spread stays close to the real ~100. */
const FE_NOISE_SD = 92;
const CLICKSTREAM_ID = CLICKSTREAM_COLUMNS.indexOf('Customer_ID');
const CLICKSTREAM_DATE = CLICKSTREAM_COLUMNS.indexOf('snapshot_date');

function clickstreamRow(rng: UniformRng, p: Profile, month: number, drift: DriftSettings): string[] {
  const shift = month >= drift.fromMonth ? drift.strength : 0;
  const values = FE_BASE.map((base, i) => {
    const signal = 45 * FE_ENGAGEMENT_LOAD[i] * p.engagement;
    let value = base + signal + FE_NOISE_SD * normal(rng);
    if (i === 9 && p.defaults && month > p.loanMonth) value += 60;
    if (i === 9 || i === 1) value += 35 * shift;
    return String(Math.round(value));
  });
  return [...values, p.id, monthDate(month)];
}

/** One customer's months (none without clickstream); fe_2 and fe_10 shift up from the drift month on. */
export function clickstreamRows(rng: UniformRng, p: Profile, drift: DriftSettings): string[][] {
  if (!p.hasClickstream) return [];
  return Array.from({ length: CLICKSTREAM_MONTHS }, (_, month) => clickstreamRow(rng, p, month, drift));
}

/** Plain code-unit order (not locale order), so the output bytes never depend on the machine. */
function compareText(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Month by month, then by customer, as the course file lists them. */
export function sortByMonthThenCustomer(rows: string[][]): string[][] {
  return rows.sort(
    (a, b) =>
      compareText(a[CLICKSTREAM_DATE], b[CLICKSTREAM_DATE]) || compareText(a[CLICKSTREAM_ID], b[CLICKSTREAM_ID]),
  );
}
