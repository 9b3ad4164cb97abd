/** What a bench's stack runs with (child-stack.ts starts it as `npm start` does): fresh dirs, free ports, its key. */
import { join } from 'node:path';

import { freePort } from '../predict/http.js';

export const BENCH_API_KEY = 'bench-api-key-0123456789abcdef';

/**
 * The environment a bench's stack runs with: its folders under `root`, free ports, the embedded dev server and
 * the bench's API key.
 */
export async function benchStackEnv(root: string, dataDir: string): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    DATA_DIR: dataDir,
    MODEL_STORE_DIR: join(root, 'model_store'),
    STATE_DIR: join(root, 'state'),
    PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    TEMPORAL_ADDRESS: '',
    API_KEY: BENCH_API_KEY,
  };
}
