/** A live progress line for anyone waiting on a run: the stage, and how far a sweep or the fits have got. */

export interface RunProgress {
  stage?: string;
  kDone?: number;
  kTotal?: number;
  modelsDone?: number;
  modelsTotal?: number;
}

/** "fitting · k 4/10", "training · models 2/3", or just the stage. */
export function describeProgress(progress: RunProgress | null | undefined): string {
  if (!progress?.stage) return 'starting';
  const parts = [progress.stage];
  if (progress.kTotal) parts.push(`k ${progress.kDone ?? 0}/${progress.kTotal}`);
  if (progress.modelsTotal && progress.stage === 'training') {
    parts.push(`models ${progress.modelsDone ?? 0}/${progress.modelsTotal}`);
  }
  return parts.join(' · ');
}

export interface ProgressReporter {
  update(progress: RunProgress | null | undefined): void;
  /** Ends the live line so the next output starts on a fresh one. */
  done(): void;
}

/**
 * On a terminal the line is rewritten in place; elsewhere (logs, CI) a line is printed only when the
 * text changes, so a log is not flooded by polling.
 */
export function progressReporter(
  label: string,
  out: { isTTY?: boolean; write(text: string): unknown } = process.stdout,
): ProgressReporter {
  let last = '';
  let live = false;
  return {
    update(progress) {
      const text = `  ${label}: ${describeProgress(progress)}`;
      if (text === last) return;
      last = text;
      if (out.isTTY) {
        out.write(`\r\u001b[2K${text}`);
        live = true;
      } else {
        out.write(`${text}\n`);
      }
    },
    done() {
      if (live) out.write('\r\u001b[2K');
      live = false;
    },
  };
}
