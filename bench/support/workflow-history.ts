/** Reading a finished workflow's history: its server-side duration and when each activity was scheduled, started, done. */
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

export interface ActivitySpan {
  type: string;
  /** The `kind` or `table` argument, when the activity has one. */
  label: string;
  scheduledMs: number;
  startedMs: number;
  completedMs: number;
}

/** One activity type of one run. */
export interface StageStats {
  type: string;
  count: number;
  /** First scheduled to last completed. */
  spanSeconds: number;
  longestSeconds: number;
  /** Longest wait between scheduled and started (a worker slot or the event loop was busy). */
  queueSeconds: number;
  /** Argument (table or model kind) of the longest activity of the group. */
  slowestLabel: string;
  /** Wall-clock ms of the first scheduled and the last completed activity of the group. */
  firstScheduledMs: number;
  lastCompletedMs: number;
}

function timestampMs(ts: HistoryEvent['eventTime']): number {
  // seconds is a protobuf Long; Number() goes through its decimal toString().
  return Number(ts?.seconds ?? 0) * 1000 + (ts?.nanos ?? 0) / 1e6;
}

function activityLabel(payloads: Payload[] | null | undefined): string {
  const first = payloads?.[0];
  if (!first) return '';
  const input = defaultPayloadConverter.fromPayload<Record<string, unknown> | null>(first);
  const tag = input?.kind ?? input?.table;
  return typeof tag === 'string' ? tag : '';
}

export function activitySpans(history: History): ActivitySpan[] {
  const byScheduledId = new Map<string, ActivitySpan>();
  for (const event of history.events ?? []) {
    const at = timestampMs(event.eventTime);
    const scheduled = event.activityTaskScheduledEventAttributes;
    const started = event.activityTaskStartedEventAttributes;
    const completed = event.activityTaskCompletedEventAttributes;
    if (scheduled) {
      byScheduledId.set(String(event.eventId), {
        type: scheduled.activityType?.name ?? 'unknown',
        label: activityLabel(scheduled.input?.payloads),
        scheduledMs: at,
        startedMs: Number.NaN,
        completedMs: Number.NaN,
      });
    } else if (started) {
      const span = byScheduledId.get(String(started.scheduledEventId));
      if (span) span.startedMs = at;
    } else if (completed) {
      const span = byScheduledId.get(String(completed.scheduledEventId));
      if (span) span.completedMs = at;
    }
  }
  return [...byScheduledId.values()];
}

/** WorkflowExecutionStarted to WorkflowExecutionCompleted, in seconds (NaN when either is missing). */
export function workflowServerSeconds(history: History): number {
  const events = history.events ?? [];
  const start = events.find((e) => e.workflowExecutionStartedEventAttributes);
  const end = events.find((e) => e.workflowExecutionCompletedEventAttributes);
  return start && end ? (timestampMs(end.eventTime) - timestampMs(start.eventTime)) / 1000 : Number.NaN;
}

/** The spans grouped by activity type, in order of first appearance. */
export function stageStats(spans: ActivitySpan[]): StageStats[] {
  const groups = new Map<string, ActivitySpan[]>();
  for (const span of spans) groups.set(span.type, [...(groups.get(span.type) ?? []), span]);
  return [...groups.entries()].map(([type, group]) => {
    const firstScheduledMs = Math.min(...group.map((g) => g.scheduledMs));
    const lastCompletedMs = Math.max(...group.map((g) => g.completedMs));
    return {
      type,
      count: group.length,
      spanSeconds: (lastCompletedMs - firstScheduledMs) / 1000,
      longestSeconds: Math.max(...group.map((g) => g.completedMs - g.startedMs)) / 1000,
      queueSeconds: Math.max(...group.map((g) => g.startedMs - g.scheduledMs)) / 1000,
      slowestLabel: [...group].sort((a, b) => b.completedMs - b.startedMs - (a.completedMs - a.startedMs))[0].label,
      firstScheduledMs,
      lastCompletedMs,
    };
  });
}
