import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifySchema } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DataValidationError } from '../failures.js';
import { ModelNotFoundError } from '../storage/model-store.js';
import { BEARER_AUTH, BEARER_AUTH_SCHEME, installApiKeyAuth } from './auth.js';
import type { AppDependencies } from './dependencies.js';
import { NotFoundError } from './errors.js';
import { errorResponses } from './response-schemas.js';
import championRoutes from './routes/champions.js';
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

/** The error body every failure is sent with: the reason phrase of its status and a message (see response-schemas.ts). */
function errorBody(status: number, message: string, details?: unknown): object {
  return { error: STATUS_CODES[status] ?? 'Error', message, ...(details === undefined ? {} : { details }) };
}

/**
 * Documents the statuses Fastify itself answers, with the shared error body, before any handler runs: a 400
 * on every route that takes input (parameters, a query, a body) that fails validation or does not parse, and
 * on routes with a body a 413 (too large) and a 415 (not JSON). A route's own description of a status wins.
 */
function declareFrameworkErrors(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = (route.schema ?? {}) as FastifySchema & { response?: Record<string | number, unknown> };
    if (schema.hide) return;
    const hasBody = [route.method].flat().some((method) => method === 'POST' || method === 'PUT' || method === 'PATCH');
    const takesInput =
      hasBody || schema.params !== undefined || schema.querystring !== undefined || schema.body !== undefined;
    if (!takesInput) return;
    route.schema = {
      ...schema,
      response: { ...errorResponses(400, ...(hasBody ? ([413, 415] as const) : [])), ...schema.response },
    };
  });
}

/** The API; it refuses to build without an API key (see auth.ts), and every route but /health and /docs needs one. */
export async function buildApp(deps: AppDependencies, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  // allowUnionTypes: a predict cell's schema is one `type` list (see schemas.ts), which strict mode only warns about.
  const app = Fastify({
    logger: options.logger ?? false,
    ajv: { customOptions: { removeAdditional: false, allowUnionTypes: true } },
  });
  app.decorate('deps', deps);
  // Before any route: its onRoute hook documents the 401 on each protected route as it is declared.
  installApiKeyAuth(app, deps.config.apiKeys);
  declareFrameworkErrors(app);

  await app.register(swagger, {
    openapi: {
      // 3.1: its Schema Objects are JSON Schema 2020-12, what TypeBox writes (e.g. a numeric exclusiveMinimum).
      openapi: '3.1.0',
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

  // Every error is answered with the same body, {error, message, details?}, whatever threw it.
  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof DataValidationError) {
      return reply.status(400).send(errorBody(400, err.message, err.details));
    }
    if (err instanceof ModelNotFoundError || err instanceof NotFoundError) {
      return reply.status(404).send(errorBody(404, err.message));
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send(errorBody(status, validationMessage(err)));
    }
    app.log.error(err);
    const serverStatus = status && status >= 500 && status < 600 ? status : 500;
    return reply.status(serverStatus).send(errorBody(serverStatus, (err as Error).message));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody(404, `Route ${request.method} ${request.url.split('?')[0]} not found`)),
  );

  await app.register(healthRoutes);
  await app.register(runRoutes);
  await app.register(modelRoutes);
  await app.register(scheduleRoutes);
  await app.register(championRoutes);
  await app.register(import('./routes/artifacts.js'));
  return app;
}
