import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { docsOnlyContext } from '../../../scripts/gen-openapi.js';
import { buildApi } from '../../../src/api/app.js';

/** Browser preflight for a dashboard on another origin. */
async function preflight(cors: boolean | string[] | undefined, origin: string) {
  const app = await buildApi(docsOnlyContext(), cors === undefined ? {} : { cors });
  try {
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/v1/status',
      headers: { origin, 'access-control-request-method': 'GET' },
    });
    return response.headers['access-control-allow-origin'];
  } finally {
    await app.close();
  }
}

describe('CORS (--cors)', () => {
  it('is off by default: no allow-origin header', async () => {
    assert.equal(await preflight(undefined, 'http://dashboard.example'), undefined);
  });

  it('"*" allows any origin', async () => {
    assert.equal(await preflight(true, 'http://dashboard.example'), 'http://dashboard.example');
  });

  it('a list allows only its origins', async () => {
    assert.equal(await preflight(['http://a.example'], 'http://a.example'), 'http://a.example');
    assert.equal(await preflight(['http://a.example'], 'http://b.example'), undefined);
  });
});
