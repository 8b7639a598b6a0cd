import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hashMeetsTarget, targetForLeadingZeroBits, targetToBytes } from '../../../../src/consensus/pow/target.js';
import { PowWorkerPool } from '../../../../src/consensus/pow/workerPool.js';
import { isGridPeerError } from '../../../../src/errors/index.js';
import { type BlockHeader, encodeHeader, HEADER_NONCE_OFFSET } from '../../../../src/ledger/block.js';
import { TestChain } from '../../../helpers/ledgerFixtures.js';

function hashWithNonce(header: Uint8Array, nonce: bigint): Buffer {
  const buf = Buffer.from(header);
  buf.writeBigUInt64BE(nonce, HEADER_NONCE_OFFSET);
  return createHash('sha256').update(buf).digest();
}

let base: BlockHeader;
let pool: PowWorkerPool;

before(async () => {
  const chain = await TestChain.create();
  base = (await chain.addBlock()).block.header;
  pool = new PowWorkerPool({ workers: 2 });
});

after(async () => {
  await pool.close();
});

describe('PowWorkerPool', () => {
  it('starts the requested number of workers', () => {
    assert.equal(pool.size, 2);
  });

  it('finds a nonce whose node:crypto hash is below the target', async () => {
    const header = encodeHeader({ ...base, nonce: 0n });
    const target = targetForLeadingZeroBits(12);
    const found = await pool.search(header, HEADER_NONCE_OFFSET, targetToBytes(target));
    assert.ok(found);
    assert.ok(hashMeetsTarget(hashWithNonce(header, found.nonce), target));
    assert.ok(found.hashes >= 1);
  });

  it('can search again after a search finished', async () => {
    const target = targetForLeadingZeroBits(10);
    for (let i = 1; i <= 3; i++) {
      const header = encodeHeader({ ...base, timestampMs: base.timestampMs + i, nonce: 0n });
      const found = await pool.search(header, HEADER_NONCE_OFFSET, targetToBytes(target));
      assert.ok(found && hashMeetsTarget(hashWithNonce(header, found.nonce), target));
    }
  });

  it('searches headers longer than 183 bytes (no fast path)', async () => {
    const header = encodeHeader({ ...base, extra: new Uint8Array(100).fill(3), nonce: 0n });
    assert.ok(header.length > 183);
    const target = targetForLeadingZeroBits(10);
    const found = await pool.search(header, HEADER_NONCE_OFFSET, targetToBytes(target));
    assert.ok(found && hashMeetsTarget(hashWithNonce(header, found.nonce), target));
  });

  it('resolves null at once for an already aborted signal', async () => {
    const header = encodeHeader({ ...base, nonce: 0n });
    const found = await pool.search(header, HEADER_NONCE_OFFSET, targetToBytes(1n), AbortSignal.abort());
    assert.equal(found, null);
  });

  it('resolves null soon after an abort during a hard (40-bit) search', async () => {
    const header = encodeHeader({ ...base, nonce: 0n });
    const controller = new AbortController();
    const search = pool.search(
      header,
      HEADER_NONCE_OFFSET,
      targetToBytes(targetForLeadingZeroBits(40)),
      controller.signal,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const abortedAt = performance.now();
    controller.abort();
    assert.equal(await search, null);
    const latencyMs = performance.now() - abortedAt;
    assert.ok(latencyMs < 1_000, `stopped ${latencyMs.toFixed(0)} ms after the abort`);
  });

  it('refuses a second concurrent search with MINING_ABORTED', async () => {
    const header = encodeHeader({ ...base, nonce: 0n });
    const controller = new AbortController();
    const first = pool.search(
      header,
      HEADER_NONCE_OFFSET,
      targetToBytes(targetForLeadingZeroBits(40)),
      controller.signal,
    );
    await assert.rejects(pool.search(header, HEADER_NONCE_OFFSET, targetToBytes(1n << 255n)), (error: unknown) =>
      isGridPeerError(error, 'MINING_ABORTED'),
    );
    controller.abort();
    assert.equal(await first, null);
  });

  it('a one-worker pool with small chunks finds the same first nonce as a sequential scan of high word 0', async () => {
    const single = new PowWorkerPool({ workers: 1, chunkNonces: 256 });
    try {
      const header = encodeHeader({ ...base, timestampMs: base.timestampMs + 99, nonce: 0n });
      const target = targetForLeadingZeroBits(10);
      const found = await single.search(header, HEADER_NONCE_OFFSET, targetToBytes(target));
      assert.ok(found);
      let expected = 0n;
      while (!hashMeetsTarget(hashWithNonce(header, expected), target)) expected++;
      assert.equal(found.nonce, expected);
      assert.equal(found.hashes, Number(expected) + 1);
    } finally {
      await single.close();
    }
  });

  it('close terminates the workers', async () => {
    const temporary = new PowWorkerPool({ workers: 1 });
    await temporary.close();
    assert.equal(temporary.size, 0);
  });
});
