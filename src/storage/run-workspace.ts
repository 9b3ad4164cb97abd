import { join } from 'node:path';
import { safeFileName } from './atomic-file.js';

/** The folder a workflow run keeps its Parquet files in; ids are made file-name safe. */
export function runWorkspace(runsDir: string, workflowId: string): string {
  return join(runsDir, safeFileName(workflowId));
}
