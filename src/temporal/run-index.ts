/**
 * The run index over Temporal visibility: a query built from the filters (values escaped), newest first by
 * start time, paged with an opaque token. Visibility (the dev server's SQLite included) cannot ORDER BY,
 * so a page is the newest `pageSize` runs started at or before the token's cursor: the matching runs
 * older than the cursor are listed (at most MAX_SCAN) and sorted here.
 */
import type { Client, WorkflowExecutionInfo, WorkflowExecutionStatusName } from '@temporalio/client';
import { DataValidationError } from '../failures.js';
import { ML_DATASET, ML_DECISION, ML_MODEL_ID, ML_PIPELINE, ML_TEST_AUC } from './search-attributes.js';

export const RUN_STATES = ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed-out'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** Visibility's `ExecutionStatus` value of each state. */
const EXECUTION_STATUS: Record<RunState, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  'timed-out': 'TimedOut',
};

/** A run's state as the API reports it (continued-as-new runs are still running under their id). */
export function runStateOf(status: WorkflowExecutionStatusName): RunState {
  switch (status) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      return 'running';
    case 'COMPLETED':
      return 'completed';
    case 'CANCELLED':
      return 'cancelled';
    case 'TERMINATED':
      return 'terminated';
    case 'TIMED_OUT':
      return 'timed-out';
    default:
      return 'failed';
  }
}

export interface RunFilters {
  pipeline?: string;
  status?: RunState;
  dataset?: string;
  modelId?: string;
  decision?: string;
  /** ISO time: runs started at or after it. */
  since?: string;
  pageSize?: number;
  pageToken?: string;
}

/** A string literal of the visibility query language (quotes and backslashes escaped). */
export function queryString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

interface Cursor {
  startTime: string;
  runId: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(token: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof cursor.runId === 'string' &&
      typeof cursor.startTime === 'string' &&
      !isNaN(Date.parse(cursor.startTime))
    )
      return { startTime: cursor.startTime, runId: cursor.runId };
  } catch {
    // reported below
  }
  throw new DataValidationError('pageToken is not a token this API returned', { column: 'pageToken' });
}

/** The visibility query of the filters, limited to the given workflow types (the registered pipelines). */
export function runIndexQuery(filters: RunFilters, workflowTypes: string[], cursor?: Cursor): string {
  const clauses = [`WorkflowType IN (${workflowTypes.map(queryString).join(', ')})`];
  if (filters.pipeline) clauses.push(`${ML_PIPELINE.name} = ${queryString(filters.pipeline)}`);
  if (filters.status) clauses.push(`ExecutionStatus = ${queryString(EXECUTION_STATUS[filters.status])}`);
  if (filters.dataset) clauses.push(`${ML_DATASET.name} = ${queryString(filters.dataset)}`);
  if (filters.modelId) clauses.push(`${ML_MODEL_ID.name} = ${queryString(filters.modelId)}`);
  if (filters.decision) clauses.push(`${ML_DECISION.name} = ${queryString(filters.decision)}`);
  if (filters.since) {
    const since = Date.parse(filters.since);
    if (isNaN(since)) throw new DataValidationError('since must be an ISO date or time', { column: 'since' });
    clauses.push(`StartTime >= ${queryString(new Date(since).toISOString())}`);
  }
  // Visibility keeps sub-millisecond start times: the cursor's millisecond is included whole.
  if (cursor) clauses.push(`StartTime < ${queryString(new Date(Date.parse(cursor.startTime) + 1).toISOString())}`);
  return clauses.join(' AND ');
}

/** Runs sorted newest first; equal start times by run id, so the order (and the cursor) is total. */
const newestFirst = (a: WorkflowExecutionInfo, b: WorkflowExecutionInfo) =>
  b.startTime.getTime() - a.startTime.getTime() || a.runId.localeCompare(b.runId);

/** At most this many matching runs are read for one page. */
export const MAX_SCAN = 10_000;

export interface RunIndexEntry {
  runId: string;
  temporalRunId: string;
  workflowType: string;
  status: RunState;
  startTime: string;
  closeTime: string | null;
  summary: string | null;
  searchAttributes: {
    MlPipeline?: string;
    MlDataset?: string;
    MlModelId?: string;
    MlDecision?: string;
    MlTestAuc?: number;
  };
}

function toEntry(execution: WorkflowExecutionInfo): RunIndexEntry {
  const attributes = execution.typedSearchAttributes;
  const values = {
    MlPipeline: attributes.get(ML_PIPELINE),
    MlDataset: attributes.get(ML_DATASET),
    MlModelId: attributes.get(ML_MODEL_ID),
    MlDecision: attributes.get(ML_DECISION),
    MlTestAuc: attributes.get(ML_TEST_AUC),
  };
  const summary = (execution.memo as { summary?: unknown } | undefined)?.summary;
  return {
    runId: execution.workflowId,
    temporalRunId: execution.runId,
    workflowType: execution.type,
    status: runStateOf(execution.status.name),
    startTime: execution.startTime.toISOString(),
    closeTime: execution.closeTime?.toISOString() ?? null,
    summary: typeof summary === 'string' ? summary : null,
    searchAttributes: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)),
  };
}

/** One page of the index and the token of the next (null on the last page). */
export async function listRuns(
  client: Client,
  filters: RunFilters,
  workflowTypes: string[],
): Promise<{ runs: RunIndexEntry[]; nextPageToken: string | null }> {
  const pageSize = filters.pageSize ?? 20;
  const cursor = filters.pageToken ? decodeCursor(filters.pageToken) : undefined;
  const query = runIndexQuery(filters, workflowTypes, cursor);
  const matching: WorkflowExecutionInfo[] = [];
  for await (const execution of client.workflow.list({ query, pageSize: 1000 })) {
    const after =
      cursor &&
      (execution.startTime.getTime() > Date.parse(cursor.startTime) ||
        (execution.startTime.getTime() === Date.parse(cursor.startTime) && execution.runId <= cursor.runId));
    if (!after) matching.push(execution);
    if (matching.length >= MAX_SCAN) break;
  }
  matching.sort(newestFirst);
  const page = matching.slice(0, pageSize);
  const last = page[page.length - 1];
  const more = matching.length > pageSize && last;
  return {
    runs: page.map(toEntry),
    nextPageToken: more ? encodeCursor({ startTime: last.startTime.toISOString(), runId: last.runId }) : null,
  };
}
