import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES, GridPeerError, httpStatusFor, isGridPeerError, jsonSafe } from '../../../src/errors/index.js';

describe('GridPeerError', () => {
  it('carries code, message, details and the GridPeerError name', () => {
    const error = new GridPeerError('INVALID_AMOUNT', 'amountMicro must be positive', { field: 'amountMicro' });
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'GridPeerError');
    assert.equal(error.code, 'INVALID_AMOUNT');
    assert.equal(error.message, 'amountMicro must be positive');
    assert.deepEqual(error.details, { field: 'amountMicro' });
  });

  it('defaults details to an empty object and keeps a cause when given', () => {
    const cause = new Error('inner');
    const withCause = new GridPeerError('WORKER_FAILED', 'outer', {}, { cause });
    assert.equal(withCause.cause, cause);
    const plain = new GridPeerError('WORKER_FAILED', 'outer');
    assert.deepEqual(plain.details, {});
    assert.equal('cause' in plain, false);
  });

  it('toJSON renders bigints as decimal strings and bytes as hex', () => {
    const error = new GridPeerError('INVALID_AMOUNT', 'bad', {
      value: 2n ** 64n,
      nested: { list: [1n, new Uint8Array([0xab, 0x01])] },
    });
    const json = error.toJSON();
    assert.deepEqual(json, {
      code: 'INVALID_AMOUNT',
      message: 'bad',
      details: { value: (2n ** 64n).toString(), nested: { list: ['1', 'ab01'] } },
    });
    assert.doesNotThrow(() => JSON.stringify(error));
  });
});

describe('httpStatusFor', () => {
  it('maps every code to its table status', () => {
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      assert.equal(httpStatusFor(new GridPeerError(code as keyof typeof ERROR_CODES, 'x')), status, code);
    }
  });

  it('answers 500 for anything that is not a GridPeerError', () => {
    assert.equal(httpStatusFor(new Error('x')), 500);
    assert.equal(httpStatusFor('string'), 500);
    assert.equal(httpStatusFor(undefined), 500);
  });

  it('uses client-error statuses for input codes', () => {
    assert.equal(httpStatusFor(new GridPeerError('CODEC_TRUNCATED', 'x')), 400);
    assert.equal(httpStatusFor(new GridPeerError('BLOCK_NOT_FOUND', 'x')), 404);
  });
});

describe('isGridPeerError', () => {
  it('recognises the class and optionally the code', () => {
    const error = new GridPeerError('INVALID_HEX', 'x');
    assert.equal(isGridPeerError(error), true);
    assert.equal(isGridPeerError(error, 'INVALID_HEX'), true);
    assert.equal(isGridPeerError(error, 'INVALID_KEY'), false);
    assert.equal(isGridPeerError(new Error('x')), false);
    assert.equal(isGridPeerError({ code: 'INVALID_HEX' }), false);
  });
});

describe('jsonSafe', () => {
  it('passes plain JSON values through unchanged', () => {
    assert.deepEqual(jsonSafe({ a: 1, b: 'x', c: null, d: [true] }), { a: 1, b: 'x', c: null, d: [true] });
  });

  it('converts a Uint8Array subarray using only its own bytes', () => {
    const backing = new Uint8Array([1, 2, 3, 4]);
    assert.equal(jsonSafe(backing.subarray(1, 3)), '0203');
  });
});
