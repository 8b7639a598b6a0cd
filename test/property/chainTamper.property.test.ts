/**
 * DESIGN.md §6: "a tampered block is rejected". Any single changed byte anywhere in a valid chain is caught by
 * decoding, by the link to the next block, by the context-free block rules, by the seal, or by re-executing the
 * block; a change to the head block at least changes the head hash every node compares.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesEqual } from '../../src/crypto/index.js';
import { isGridPeerError } from '../../src/errors/index.js';
import { type Block, decodeBlock, encodeBlock, headerHash } from '../../src/ledger/block.js';
import { applyBlock, checkBlock, checkHeaderContext } from '../../src/ledger/validation.js';
import { runs } from '../helpers/arbitraries.js';
import { assertValid } from '../helpers/assertions.js';
import { alice, bob, carol, dave, TestChain, transfer } from '../helpers/ledgerFixtures.js';

let chain: TestChain;
let encoded: Uint8Array[];

before(async () => {
  chain = await TestChain.create();
  await chain.addBlock([transfer(alice, bob.address, 5_000_000n, 0, { feeMicro: 100n, energyWh: 2_000 })]);
  await chain.addBlock([
    transfer(bob, carol.address, 1_000_000n, 0),
    transfer(alice, dave.address, 42n, 1, { feeMicro: 1n }),
  ]);
  await chain.addBlock([]);
  await chain.addBlock([transfer(dave, alice.address, 40n, 0, { feeMicro: 2n }), transfer(carol, bob.address, 7n, 0)]);
  encoded = chain.blocks.map(encodeBlock);
});

/** Every way a node would notice that block `index` was replaced by `candidate`; the list of rules it broke. */
function detections(index: number, candidate: Block): string[] {
  const found: string[] = [];
  const original = chain.links[index]!.block;
  const next = chain.links[index + 1]?.block;
  if (next && !bytesEqual(next.header.prevHash, headerHash(candidate.header))) found.push('NEXT_PREV_HASH');
  if (!next && !bytesEqual(headerHash(candidate.header), headerHash(original.header))) found.push('HEAD_HASH');
  const check = checkBlock(candidate, chain.params);
  if (!check.ok) found.push(check.code);
  const seal = chain.consensus.verifySeal(candidate.header);
  if (!seal.ok) found.push(seal.code);
  if (index > 0) {
    const parent = chain.links[index - 1]!;
    const context = checkHeaderContext(
      candidate.header,
      parent.block.header,
      chain.recentTimestampsMs(index - 1),
      candidate.header.timestampMs,
      chain.params,
    );
    if (!context.ok) found.push(context.code);
    const applied = applyBlock(parent.state, candidate, chain.params);
    if (!applied.ok) found.push(applied.code);
  }
  return found;
}

describe('tampered chain (property)', () => {
  it('the untampered chain passes every check', () => {
    assert.ok(chain.blocks.length >= 4);
    for (let index = 0; index < chain.blocks.length; index++) {
      const block = decodeBlock(encoded[index]!);
      assert.deepEqual(detections(index, block), [], `block ${index}`);
      if (index > 0) assertValid(applyBlock(chain.links[index - 1]!.state, block, chain.params));
    }
  });

  it('changing any single byte of any block is detected', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (index, position, xor) => {
          const bytes = encoded[index]!.slice();
          const at = position % bytes.length;
          bytes[at] = bytes[at]! ^ xor;
          let candidate: Block;
          try {
            candidate = decodeBlock(bytes);
          } catch (error) {
            assert.ok(isGridPeerError(error) && error.code.startsWith('CODEC_'), String(error));
            return;
          }
          const found = detections(index, candidate);
          assert.ok(found.length > 0, `block ${index} byte ${at} ^ 0x${xor.toString(16)} went unnoticed`);
        },
      ),
      runs(3_000),
    );
  });

  it('changing any single byte of a block body (its transactions) is caught by the block rules themselves', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (index, position, xor) => {
          const headerLength = 145 + 4;
          const bytes = encoded[index]!.slice();
          const at = headerLength + (position % (bytes.length - headerLength));
          bytes[at] = bytes[at]! ^ xor;
          let candidate: Block;
          try {
            candidate = decodeBlock(bytes);
          } catch (error) {
            assert.ok(isGridPeerError(error) && error.code.startsWith('CODEC_'), String(error));
            return;
          }
          const check = checkBlock(candidate, chain.params);
          assert.equal(check.ok, false, `block ${index} byte ${at} passed checkBlock`);
        },
      ),
      runs(500),
    );
  });
});
