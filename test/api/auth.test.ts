import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  API_KEY_FILE_NAME,
  apiKeyFingerprint,
  apiKeyMatcher,
  ensureApiKeyFile,
  resolveApiKeys,
} from '../../src/api/api-keys.js';
import { buildApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/config.js';
import { authHeaders } from '../support/api.js';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/test-stack.js';

interface ErrorBody {
  error: string;
  message: string;
}

describe('API keys against a real dev server', () => {
  let stack: TestStack;
  let app: FastifyInstance;

  before(async () => {
    stack = await startTestStack();
    app = await buildApp({ config: stack.config, client: stack.env.client });
  });

  after(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function expect401(headers: Record<string, string>, message: RegExp, url = '/models'): Promise<void> {
    for (const method of ['GET', 'POST'] as const) {
      const response = await app.inject({ method, url: method === 'GET' ? url : '/runs/segmentation', headers });
      assert.equal(response.statusCode, 401, `${method} ${JSON.stringify(headers)} → ${response.body}`);
      const body = response.json<ErrorBody>();
      assert.equal(body.error, 'Unauthorized');
      assert.match(body.message, message);
      assert.match(String(response.headers['www-authenticate']), /^Bearer/);
    }
  }

  it('answers 401 without a key, with a wrong key and with a malformed header', async () => {
    await expect401({}, /Missing API key: send the header "Authorization: Bearer <key>"/);
    await expect401({ authorization: '' }, /Missing API key/);
    await expect401(authHeaders('not-the-key'), /^Invalid API key$/);
    await expect401(authHeaders(`${TEST_API_KEY}x`), /^Invalid API key$/);
    await expect401(authHeaders(TEST_API_KEY.slice(0, -1)), /^Invalid API key$/);
    for (const header of [TEST_API_KEY, `Basic ${TEST_API_KEY}`, 'Bearer', 'Bearer ', `Bearer ${TEST_API_KEY} extra`]) {
      await expect401({ authorization: header }, /Malformed Authorization header: expected "Bearer <key>"/);
    }
    // Unknown paths too: a caller without a key learns nothing about which routes exist.
    await expect401({}, /Missing API key/, '/no-such-route');
  });

  it('serves protected routes with the key, and /health and the docs without one', async () => {
    for (const url of ['/models', '/schedules']) {
      const response = await app.inject({ method: 'GET', url, headers: authHeaders() });
      assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
    }
    assert.equal((await app.inject({ method: 'GET', url: '/no-such-route', headers: authHeaders() })).statusCode, 404);
    const scheme = await app.inject({
      method: 'GET',
      url: '/models',
      headers: { authorization: `bearer ${TEST_API_KEY}` },
    });
    assert.equal(scheme.statusCode, 200, 'the scheme name is case-insensitive');

    const health = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200);
    assert.equal(health.json<{ temporal: string }>().temporal, 'ok');
    assert.equal((await app.inject({ method: 'GET', url: '/health?verbose=1' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/docs' })).statusCode, 200);
  });

  it('documents the bearer scheme and the 401 on every protected route, not on the public ones', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, { content?: unknown }> }>>;
    }>();
    assert.deepEqual(
      {
        type: spec.components.securitySchemes.bearerAuth.type,
        scheme: spec.components.securitySchemes.bearerAuth.scheme,
      },
      { type: 'http', scheme: 'bearer' },
    );
    let protectedOperations = 0;
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (path === '/health') {
          assert.equal(operation.responses['401'], undefined, `${method} ${path} is public`);
          assert.equal(operation.security, undefined);
          continue;
        }
        protectedOperations += 1;
        assert.ok(operation.responses['401']?.content, `${method} ${path} documents its 401 body`);
        assert.deepEqual(operation.security, [{ bearerAuth: [] }], `${method} ${path} requires the key`);
      }
    }
    assert.ok(protectedOperations >= 10, `${protectedOperations} protected operations documented`);
  });

  it('accepts any key of API_KEYS and exposes which one by fingerprint, never the secret', async () => {
    const config = loadConfig({ API_KEYS: 'first-key-aaaaaaaa, second-key-bbbbbbbb' });
    const multi = await buildApp({ config: { ...stack.config, apiKeys: config.apiKeys }, client: stack.env.client });
    try {
      multi.get('/test/key-id', (request, reply) => reply.send({ apiKeyId: request.apiKeyId }));
      const response = await multi.inject({
        method: 'GET',
        url: '/test/key-id',
        headers: authHeaders('second-key-bbbbbbbb'),
      });
      assert.equal(response.statusCode, 200, response.body);
      const { apiKeyId } = response.json<{ apiKeyId: string }>();
      assert.equal(apiKeyId, apiKeyFingerprint('second-key-bbbbbbbb'));
      assert.match(apiKeyId, /^sha256:[0-9a-f]{12}$/);
      assert.notEqual(apiKeyId, apiKeyFingerprint('first-key-aaaaaaaa'));
      assert.equal(
        (await multi.inject({ method: 'GET', url: '/models', headers: authHeaders(TEST_API_KEY) })).statusCode,
        401,
      );
    } finally {
      await multi.close();
    }
  });

  it('refuses to build an API without any key', async () => {
    await assert.rejects(
      buildApp({ config: { ...stack.config, apiKeys: [] }, client: stack.env.client }),
      /No API key configured: set API_KEY \(or a comma-separated API_KEYS\)/,
    );
  });
});

describe('API key matching and the generated key file', () => {
  it('matches whole keys only', () => {
    const match = apiKeyMatcher(['alpha-key', 'beta-key']);
    assert.equal(match('beta-key'), apiKeyFingerprint('beta-key'));
    assert.equal(match('alpha-key'), apiKeyFingerprint('alpha-key'));
    for (const wrong of ['', 'alpha', 'alpha-key ', 'beta-keyy', 'ALPHA-KEY'])
      assert.equal(match(wrong), undefined, wrong);
  });

  it('creates the key file once with mode 0600 and reuses it', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'api-key-test-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const stateDir = join(dir, 'state'); // not there yet: the first start creates it

    const first = await ensureApiKeyFile(stateDir);
    assert.equal(first.created, true);
    assert.equal(first.path, join(stateDir, API_KEY_FILE_NAME));
    assert.match(first.key, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
    assert.equal((await stat(first.path)).mode & 0o777, 0o600);

    const second = await ensureApiKeyFile(stateDir);
    assert.deepEqual(second, { ...first, created: false });

    // Processes starting at the same time agree on one key.
    const racingDir = join(dir, 'racing');
    const racers = await Promise.all(Array.from({ length: 5 }, () => ensureApiKeyFile(racingDir)));
    assert.equal(new Set(racers.map((r) => r.key)).size, 1);
    assert.equal(racers.filter((r) => r.created).length, 1);
  });

  it('uses configured keys as they are and generates one only when there is none', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'api-key-test-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const configured = loadConfig({ STATE_DIR: dir, API_KEY: 'mine' });
    const kept = await resolveApiKeys(configured);
    assert.deepEqual(kept, { config: configured });
    await assert.rejects(stat(join(dir, API_KEY_FILE_NAME)), { code: 'ENOENT' });

    const generated = await resolveApiKeys(loadConfig({ STATE_DIR: dir }));
    assert.ok(generated.generated);
    assert.deepEqual(generated.config.apiKeys, [generated.generated.key]);
    const again = await resolveApiKeys(loadConfig({ STATE_DIR: dir }));
    assert.deepEqual(again.config.apiKeys, generated.config.apiKeys, 'the next start reuses the key');
  });
});
