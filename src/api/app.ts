import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { DataValidationError } from '../failures.js';
import { ModelNotFoundError } from '../storage/model-store.js';
import { BEARER_AUTH, BEARER_AUTH_SCHEME, installApiKeyAuth } from './auth.js';
import type { AppDependencies } from './dependencies.js';
import { NotFoundError } from './errors.js';
import healthRoutes from './routes/health.js';
import modelRoutes from './routes/models.js';
import runRoutes from './routes/runs.js';
import scheduleRoutes from './routes/schedules.js';

/** Fastify's validation message, naming the offending property where Ajv only says "additional properties". */
function validationMessage(err: unknown): string {
  const { message, validation } = err as Error & {
    validation?: { keyword: string; params: { additionalProperty?: string } }[];
  };
  const extra = validation?.find((v) => v.keyword === 'additionalProperties')?.params.additionalProperty;
  return extra ? `${message}: "${extra}"` : message;
}

/** The API; it refuses to build without an API key (see auth.ts), and every route but /health and /docs needs one. */
export async function buildApp(deps: AppDependencies, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, ajv: { customOptions: { removeAdditional: false } } });
  app.decorate('deps', deps);
  // Before any route: its onRoute hook documents the 401 on each protected route as it is declared.
  installApiKeyAuth(app, deps.config.apiKeys);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'ML pipelines on Temporal',
        description:
          'Start durable ML pipeline runs, follow their progress, read results and score rows with stored models.',
        version: '0.1.0',
      },
      components: { securitySchemes: { [BEARER_AUTH]: BEARER_AUTH_SCHEME } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof DataValidationError) {
      return reply.status(400).send({ error: 'Bad Request', message: err.message, details: err.details });
    }
    if (err instanceof ModelNotFoundError || err instanceof NotFoundError) {
      return reply.status(404).send({ error: 'Not Found', message: err.message });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ error: 'Bad Request', message: validationMessage(err) });
    }
    app.log.error(err);
    return reply.status(500).send({ error: 'Internal Server Error', message: (err as Error).message });
  });

  await app.register(healthRoutes);
  await app.register(runRoutes);
  await app.register(modelRoutes);
  await app.register(scheduleRoutes);
  await app.register(import('./routes/artifacts.js'));
  return app;
}
