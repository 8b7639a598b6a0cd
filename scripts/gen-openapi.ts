/**
 * Writes openapi.json at the repository root: the OpenAPI 3 document of the node's HTTP API, exactly as a running
 * node serves it at /docs/json. The API is built in-process (buildApi) on a context whose chain and network are
 * never called (only route handlers touch them, and no request is made), so nothing opens a port or a database.
 * The document holds no server URL, port or time, so running this twice gives the same file;
 * test/unit/api/openapi.test.ts fails when the committed file is out of date.
 *
 *   npx tsx scripts/gen-openapi.ts          # rewrite openapi.json
 *   npx tsx scripts/gen-openapi.ts --check  # exit 1 if the committed file is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../src/api/app.js';
import type { ApiContext } from '../src/api/context.js';

export const OPENAPI_PATH = fileURLToPath(new URL('../openapi.json', import.meta.url));

/** An object that fails loudly if the document generator ever reaches into it. */
function unavailable(name: string): never {
  return new Proxy(
    {},
    {
      get(_target, property) {
        throw new Error(`${name}.${String(property)} is not available while generating the OpenAPI document`);
      },
    },
  ) as never;
}

/** The context of a node that serves no request: enough for the routes to register. */
export function docsOnlyContext(): ApiContext {
  return {
    chain: unavailable('chain'),
    network: unavailable('network'),
    clock: unavailable('clock'),
    selfUrl: 'http://127.0.0.1:0',
    dev: false,
    adminToken: undefined,
    miningMode: 'off',
    minerAddress: '',
    version: 'docs',
    mineOne: () => Promise.reject(new Error('mining is not available while generating the OpenAPI document')),
  };
}

/** Builds the API in-process and ready (no port); the caller closes it. */
export async function buildDocsApp(): Promise<FastifyInstance> {
  const app = await buildApi(docsOnlyContext());
  await app.ready();
  return app;
}

/** The OpenAPI document of the node's API. */
export async function buildOpenApi(): Promise<Record<string, unknown>> {
  const app = await buildDocsApp();
  try {
    // A deep copy: no shared references into the plugin's cached document.
    return JSON.parse(JSON.stringify(app.swagger())) as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

/** The exact file text: two-space JSON and a final newline. */
export function renderOpenApi(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

async function main(): Promise<void> {
  const text = renderOpenApi(await buildOpenApi());
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OPENAPI_PATH, 'utf8');
    } catch {
      // A missing file is out of date too.
    }
    if (current !== text) {
      console.error(`${OPENAPI_PATH} is out of date; run: npx tsx scripts/gen-openapi.ts`);
      process.exit(1);
    }
    console.log(`${OPENAPI_PATH} is up to date`);
    return;
  }
  writeFileSync(OPENAPI_PATH, text);
  console.log(`wrote ${OPENAPI_PATH}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
