/** The prediction bench's Markdown: one line per model and batch size, against the targets. */
import { today } from '../support/report.js';

export interface PredictCase {
  model: string;
  modelId: string;
  rows: number;
  /** The body's shape: `rows` (an object per row) or `columns` (an array per column). */
  shape: 'rows' | 'columns';
  requests: number;
  p50: number;
  p99: number;
}

/** Targets: one row p99 ≤ 5 ms for every model kind; 1,000 rows ≤ 20 ms. */
const TARGET_MS: Record<number, { metric: 'p99' | 'p50'; ms: number }> = {
  1: { metric: 'p99', ms: 5 },
  1000: { metric: 'p99', ms: 20 },
};

export function predictReport(input: {
  cases: PredictCase[];
  cpu: string;
  loadAtStart: number;
  loadAtEnd: number;
}): string {
  const lines = [
    '# Prediction latency over HTTP',
    '',
    `${today()} · ${input.cpu} · load average ${input.loadAtStart.toFixed(2)} at start, ${input.loadAtEnd.toFixed(2)} at end · \`npx tsx bench/predict.ts\``,
    '',
    'Client-side milliseconds per `POST /models/:modelId/predict` (the whole stack of `npm start` on this machine,',
    'keep-alive `node:http` from a client process of its own, one request at a time, after a warm-up; the body',
    'serialised once; the three models in turn, request by request, so no model gets the quieter minutes). Models',
    'trained through the API on the real data. Body: `{rows: [...]}` (an object per row) or `{columns: {...}}` (the',
    'same rows, an array per column).',
    '',
    '| model | rows per request | body | requests | p50 ms | p99 ms | target |',
    '| --- | ---: | --- | ---: | ---: | ---: | --- |',
  ];
  for (const c of input.cases) {
    const target = TARGET_MS[c.rows];
    const value = target ? c[target.metric] : NaN;
    const verdict = target ? `${target.metric} ≤ ${target.ms} ms: ${value <= target.ms ? 'met' : 'missed'}` : '';
    lines.push(
      `| ${c.model} | ${c.rows} | ${c.shape} | ${c.requests} | ${c.p50.toFixed(2)} | ${c.p99.toFixed(2)} | ${verdict} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
