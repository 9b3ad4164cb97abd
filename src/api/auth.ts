/** Bearer API keys on every route but the public ones, and the 401 in every protected route's OpenAPI. */
import type { FastifyInstance, FastifyReply, FastifySchema } from 'fastify';
import { apiKeyMatcher } from './api-keys.js';
import { UnauthorizedResponse } from './response-schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Which API key authenticated the request (its sha256 fingerprint, never the key), for audit logs; null on public routes. */
    apiKeyId: string | null;
  }
}

/** The OpenAPI security scheme's name, referenced by every protected route. */
export const BEARER_AUTH = 'bearerAuth';

export const BEARER_AUTH_SCHEME = {
  type: 'http',
  scheme: 'bearer',
  description:
    'An API key from API_KEY / API_KEYS (or the generated STATE_DIR/api-key), as `Authorization: Bearer <key>`',
} as const;

/**
 * Open without a key: liveness probes and the API's own documentation. Decided on the matched route's
 * pattern, not the raw URL, so no spelling of a path reaches a protected handler as a public one.
 */
export function isPublicRoute(routeUrl: string | undefined): boolean {
  return routeUrl === '/health' || routeUrl === '/docs' || routeUrl?.startsWith('/docs/') === true;
}

function unauthorized(reply: FastifyReply, message: string): FastifyReply {
  return reply
    .code(401)
    .header('www-authenticate', 'Bearer realm="ml-pipelines"')
    .send({ error: 'Unauthorized', message });
}

/**
 * Installs the key check on the root instance, so it covers every route registered after it (and unknown
 * URLs: a caller without a key learns nothing about which paths exist). Throws when there is no key at all:
 * an API that would accept anyone must not start by accident.
 */
export function installApiKeyAuth(app: FastifyInstance, keys: readonly string[]): void {
  if (keys.length === 0) {
    throw new Error(
      'No API key configured: set API_KEY (or a comma-separated API_KEYS). ' +
        '`npm start` and `npm run api` generate one into STATE_DIR/api-key when neither is set.',
    );
  }
  const match = apiKeyMatcher(keys);
  app.decorateRequest('apiKeyId', null);

  app.addHook('onRequest', async (request, reply) => {
    if (isPublicRoute(request.routeOptions.url)) return;
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      return unauthorized(reply, 'Missing API key: send the header "Authorization: Bearer <key>"');
    }
    const bearer = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
    if (!bearer) {
      return unauthorized(reply, 'Malformed Authorization header: expected "Bearer <key>"');
    }
    const keyId = match(bearer[1]);
    if (!keyId) return unauthorized(reply, 'Invalid API key');
    request.apiKeyId = keyId;
  });

  // Documents the 401 (with its body) and the bearer requirement on each protected route as it is declared,
  // so route files need not repeat them.
  app.addHook('onRoute', (route) => {
    if (isPublicRoute(route.url)) return;
    const schema = (route.schema ?? {}) as FastifySchema & { response?: Record<string | number, unknown> };
    route.schema = {
      ...schema,
      security: [{ [BEARER_AUTH]: [] }],
      response: { ...schema.response, 401: UnauthorizedResponse },
    };
  });
}
