/**
 * openapi.json (scripts/gen-openapi.ts) is the document the node serves at /docs/json: the committed file must be
 * what the generator produces now (no drift), and every route the app registers (REST v1, seed 000's Postman
 * routes, node-to-node routes) must be documented with its method.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildDocsApp, buildOpenApi, OPENAPI_PATH, renderOpenApi } from '../../../scripts/gen-openapi.js';
import { OPENAPI_INFO } from '../../../src/api/app.js';

interface RegisteredRoute {
  readonly path: string;
  readonly methods: readonly string[];
}

/**
 * Every route of `app.printRoutes({ commonPrefix: false })`. The output is a tree: each line is
 * `<4-character columns of │/├──/└──/spaces><segment> (<METHODS>)`, a child's path is its parent's plus its segment.
 */
function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) {
      assert.equal(line.trim(), '', `unexpected printRoutes line: ${JSON.stringify(line)}`);
      continue;
    }
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + match[2]!;
    stack.push(path);
    if (match[3]) routes.push({ path, methods: match[3].split(', ') });
  }
  return routes;
}

/** Fastify's `/v1/blocks/:id` as OpenAPI's `/v1/blocks/{id}`. */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

describe('openapi.json', () => {
  let app: FastifyInstance;
  let committed: { openapi: string; info: unknown; paths: Record<string, Record<string, unknown>> };

  before(async () => {
    app = await buildDocsApp();
    committed = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8'));
  });

  after(async () => {
    await app?.close();
  });

  it('is what scripts/gen-openapi.ts produces now (run `npx tsx scripts/gen-openapi.ts` after changing routes)', async () => {
    const generated = renderOpenApi(await buildOpenApi());
    assert.equal(readFileSync(OPENAPI_PATH, 'utf8'), generated);
  });

  it('is deterministic: no server URLs, ports or times', async () => {
    const text = renderOpenApi(await buildOpenApi());
    assert.equal(text, renderOpenApi(await buildOpenApi()));
    assert.equal('servers' in committed, false);
    assert.doesNotMatch(text, /127\.0\.0\.1|localhost|:\d{4,5}\b/);
    assert.doesNotMatch(text, /\b20\d\d-\d\d-\d\dT/);
  });

  it('is an OpenAPI 3 document with the API info, a named Error schema and the admin scheme', () => {
    assert.equal(committed.openapi, '3.0.3');
    assert.deepEqual(committed.info, OPENAPI_INFO);
    const components = (committed as unknown as { components: Record<string, Record<string, unknown>> }).components;
    assert.deepEqual(Object.keys(components['schemas']!), ['Error']);
    assert.deepEqual(components['securitySchemes']!['admin'], { type: 'http', scheme: 'bearer' });
    const mine = committed.paths['/v1/mine']!['post'] as { security?: unknown };
    assert.deepEqual(mine.security, [{ admin: [] }]);
  });

  it('documents every route the app registers, with its methods', () => {
    const routes = registeredRoutes(app).filter((route) => !route.path.startsWith('/docs'));
    // The parser must have seen the whole API: REST v1, seed 000, p2p.
    const paths = routes.map((route) => route.path);
    for (const expected of ['/v1/status', '/v1/blocks/:id', '/v1/txs/:hash', '/get_chain', '/v1/p2p/blocks']) {
      assert.ok(paths.includes(expected), `printRoutes parsed without ${expected}: ${paths.join(' ')}`);
    }
    assert.ok(routes.length >= 20, `only ${routes.length} routes parsed`);
    const undocumented: string[] = [];
    for (const route of routes) {
      const documented = committed.paths[openApiPath(route.path)];
      for (const method of route.methods) {
        if (method === 'HEAD') continue; // Fastify adds HEAD to every GET
        if (!documented?.[method.toLowerCase()]) undocumented.push(`${method} ${route.path}`);
      }
    }
    assert.deepEqual(undocumented, []);
  });

  it('documents only routes that exist', () => {
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(committed.paths)) {
      const url = path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
      for (const method of Object.keys(operations)) {
        if (!app.hasRoute({ method: method.toUpperCase() as 'GET', url })) missing.push(`${method} ${path}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('documents the seed 000 Postman routes and the error answers of REST v1', () => {
    for (const [path, method] of [
      ['/connect_node', 'post'],
      ['/get_chain', 'get'],
      ['/mine_block', 'get'],
      ['/add_transaction', 'post'],
      ['/replace_chain', 'get'],
      ['/is_valid', 'get'],
    ] as const) {
      assert.ok(committed.paths[path]?.[method], `${method} ${path}`);
    }
    const submit = committed.paths['/v1/txs']!['post'] as { responses: Record<string, unknown>; requestBody?: unknown };
    assert.ok(submit.requestBody, 'POST /v1/txs documents its body');
    for (const status of ['202', '400', '409', '413', '422'])
      assert.ok(submit.responses[status], `POST /v1/txs ${status}`);
  });
});
