import { join } from 'node:path';

/** The folder a workflow run keeps its Parquet files in; ids are made file-name safe. */
export function runWorkspace(runsDir: string, workflowId: string): string {
  return join(runsDir, workflowId.replace(/[^A-Za-z0-9._-]/g, '_'));
}
