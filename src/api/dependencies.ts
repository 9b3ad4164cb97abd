import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config.js';

/** What every route plugin reads from `app.deps`. */
export interface AppDependencies {
  config: AppConfig;
  client: Client;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDependencies;
  }
}
