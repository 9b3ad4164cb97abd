import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataValidationError } from '../../../../src/failures.js';
import { chooseSnapshotMonth, monthInTimeZone } from '../../../../src/pipelines/loan/medallion/prepare.js';

/** Loan-start months of a data set: 2023-01 … 2025-01 without 2024-03 (no loans started that month). */
const MONTHS = Array.from({ length: 25 }, (_, i) => {
  const index = 2023 * 12 + i;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}).filter((m) => m !== '2024-03');

/** The month a scheduled run with no requested month works on. */
const scheduled = (referenceTime: string, timeZone = 'UTC') =>
  chooseSnapshotMonth(MONTHS, undefined, referenceTime, timeZone);

function isValidationError(details: Record<string, unknown>, message: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof DataValidationError, `DataValidationError, got ${String(err)}`);
    assert.match(err.message, message);
    for (const [key, value] of Object.entries(details)) {
      assert.equal((err.details as Record<string, unknown>)[key], value, `details.${key}`);
    }
    return true;
  };
}

describe('monthInTimeZone', () => {
  it('takes the month of the instant on a clock in the zone', () => {
    assert.equal(monthInTimeZone('2024-05-31T23:59:59.999Z', 'UTC'), '2024-05');
    assert.equal(monthInTimeZone('2024-06-01T00:00:00.000Z', 'UTC'), '2024-06');
    // 2024-05-31T21:00Z is 06:00 on 1 June in Tokyo (UTC+9) and 17:00 on 31 May in New York (UTC-4).
    assert.equal(monthInTimeZone('2024-05-31T21:00:00Z', 'Asia/Tokyo'), '2024-06');
    assert.equal(monthInTimeZone('2024-05-31T21:00:00Z', 'America/New_York'), '2024-05');
    assert.equal(monthInTimeZone('2024-06-01T02:00:00Z', 'America/New_York'), '2024-05');
  });

  it('rejects an unknown time zone and an unreadable time as bad input', () => {
    assert.throws(
      () => monthInTimeZone('2024-06-01T00:00:00Z', 'Mars/Olympus_Mons'),
      isValidationError({}, /Mars\/Olympus_Mons/),
    );
    assert.throws(() => monthInTimeZone('yesterday', 'UTC'), isValidationError({}, /yesterday/));
  });
});

describe('chooseSnapshotMonth', () => {
  it('UTC: the last second of a month belongs to it, the first second of the next to the next', () => {
    assert.equal(scheduled('2024-05-31T23:59:59Z'), '2024-05');
    assert.equal(scheduled('2024-06-01T00:00:00Z'), '2024-06');
    assert.equal(scheduled('2023-12-31T23:59:59Z'), '2023-12');
    assert.equal(scheduled('2024-01-01T00:00:00Z'), '2024-01');
  });

  it('a zone ahead of UTC: a 06:00 run on the 1st in Tokyo (21:00 UTC the day before) scores the new month', () => {
    assert.equal(scheduled('2024-05-31T21:00:00Z', 'Asia/Tokyo'), '2024-06');
    assert.equal(scheduled('2024-05-31T21:00:00Z', 'UTC'), '2024-05', 'the same instant in UTC is still May');
    // Month boundaries on the Tokyo clock: midnight JST is 15:00 UTC the day before.
    assert.equal(scheduled('2024-05-31T14:59:59Z', 'Asia/Tokyo'), '2024-05');
    assert.equal(scheduled('2024-05-31T15:00:00Z', 'Asia/Tokyo'), '2024-06');
    assert.equal(scheduled('2023-12-31T15:00:00Z', 'Asia/Tokyo'), '2024-01', 'and across a year');
  });

  it('a zone behind UTC: New York midnight is 04:00 UTC in summer and 05:00 UTC in winter', () => {
    assert.equal(scheduled('2024-06-01T03:59:59Z', 'America/New_York'), '2024-05');
    assert.equal(scheduled('2024-06-01T04:00:00Z', 'America/New_York'), '2024-06');
    assert.equal(scheduled('2024-01-01T04:59:59Z', 'America/New_York'), '2023-12');
    assert.equal(scheduled('2024-01-01T05:00:00Z', 'America/New_York'), '2024-01');
    // A 06:00 run on the 1st in New York.
    assert.equal(scheduled('2024-06-01T10:00:00Z', 'America/New_York'), '2024-06');
  });

  it('takes the latest month with loans at or before the reference month', () => {
    assert.equal(scheduled('2024-03-15T06:00:00Z'), '2024-02', 'no loans started in 2024-03');
    assert.equal(scheduled('2024-04-01T06:00:00Z'), '2024-04');
    assert.equal(scheduled('2026-11-30T06:00:00Z'), '2025-01', 'after the data: its last month');
    assert.equal(scheduled('2023-01-01T00:00:00Z'), '2023-01', 'the first second of the first month');
  });

  it('an explicit month is used when it has loans, whatever the reference time', () => {
    assert.equal(chooseSnapshotMonth(MONTHS, '2024-02-01', '2026-11-30T06:00:00Z', 'UTC'), '2024-02');
    assert.equal(chooseSnapshotMonth(MONTHS, '2024-02', '2026-11-30T06:00:00Z', 'Asia/Tokyo'), '2024-02');
    assert.equal(chooseSnapshotMonth(MONTHS, '2023-01', '2020-01-01T00:00:00Z', 'UTC'), '2023-01');
  });

  it('an explicit month without loans, or not a month, is bad input naming the field', () => {
    assert.throws(
      () => chooseSnapshotMonth(MONTHS, '2024-03-01', '2026-11-30T06:00:00Z', 'UTC'),
      isValidationError({ column: 'snapshotDate' }, /No loans start in 2024-03 \(data covers 2023-01 to 2025-01\)/),
    );
    assert.throws(
      () => chooseSnapshotMonth(MONTHS, '2026-11', '2026-11-30T06:00:00Z', 'UTC'),
      isValidationError({ column: 'snapshotDate' }, /2026-11/),
    );
    assert.throws(
      () => chooseSnapshotMonth(MONTHS, 'March', '2026-11-30T06:00:00Z', 'UTC'),
      isValidationError({ column: 'snapshotMonth' }, /March/),
    );
  });

  it('a reference time before the first month of data is bad input naming that month, not a later month', () => {
    assert.throws(
      () => scheduled('2022-12-31T23:59:59Z'),
      isValidationError({ table: 'lms_loan_daily' }, /data begins in 2023-01/),
    );
    // In Tokyo, 15:00 UTC on 31 December is already January: the first month of data.
    assert.equal(scheduled('2022-12-31T15:00:00Z', 'Asia/Tokyo'), '2023-01');
    assert.throws(
      () => scheduled('2022-12-31T14:59:59Z', 'Asia/Tokyo'),
      isValidationError({ table: 'lms_loan_daily' }, /2022-12 \(Asia\/Tokyo\).*data begins in 2023-01/),
    );
  });

  it('a data set without loans is bad input', () => {
    assert.throws(
      () => chooseSnapshotMonth([], undefined, '2024-06-01T06:00:00Z', 'UTC'),
      isValidationError({ table: 'lms_loan_daily' }, /no loans/),
    );
  });
});
