import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  type BlockIndexEntry,
  type BlockStatus,
  decodeIndexEntry,
  decodeUndo,
  encodeIndexEntry,
  encodeUndo,
} from '../../../src/chain/store.js';
import { encodeHeader, HEADER_BASE_BYTES } from '../../../src/ledger/block.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import { BlockForge, type ForgedBlock, testConsensus, testGenesis } from '../../helpers/chainFixtures.js';

let forged: ForgedBlock;

before(async () => {
  const config = testGenesis();
  const forge = new BlockForge(config, testConsensus(config));
  forged = await forge.extend(forge.genesis.hash);
});

function entry(status: BlockStatus, totalWork: bigint): BlockIndexEntry {
  return { hash: forged.hash, header: forged.block.header, totalWork, status };
}

describe('block index entry codec', () => {
  for (const status of ['valid', 'header-valid', 'invalid'] as const) {
    for (const totalWork of [0n, 1n, 0x1234_5678_9abc_def0n, 2n ** 256n - 1n]) {
      it(`round-trips status ${status} with total work ${totalWork.toString(16)}`, () => {
        const bytes = encodeIndexEntry(entry(status, totalWork));
        assert.equal(bytes.length, 1 + 32 + HEADER_BASE_BYTES);
        const decoded = decodeIndexEntry(forged.hash, bytes);
        assert.equal(decoded.hash, forged.hash);
        assert.equal(decoded.status, status);
        assert.equal(decoded.totalWork, totalWork);
        assert.deepEqual(encodeHeader(decoded.header), encodeHeader(forged.block.header));
      });
    }
  }

  it('stores the status first and the work big-endian', () => {
    const bytes = encodeIndexEntry(entry('invalid', 0x0102n));
    assert.equal(bytes[0], 2);
    assert.deepEqual([...bytes.subarray(31, 33)], [1, 2]);
    assert.deepEqual([...bytes.subarray(1, 31)], new Array(30).fill(0));
  });

  it('rejects an unknown status (STORE_CORRUPT) and truncated bytes', () => {
    const bytes = encodeIndexEntry(entry('valid', 5n));
    const unknown = Uint8Array.from(bytes);
    unknown[0] = 3;
    assertThrowsCoded(() => decodeIndexEntry(forged.hash, unknown), 'STORE_CORRUPT');
    assertThrowsCoded(() => decodeIndexEntry(forged.hash, bytes.subarray(0, 20)), 'CODEC_TRUNCATED');
    assertThrowsCoded(() => decodeIndexEntry(forged.hash, bytes.subarray(0, bytes.length - 1)), 'CODEC_TRUNCATED');
  });
});

describe('undo record codec', () => {
  it('round-trips values, deletions (null), empty values and non-ASCII keys', () => {
    const changes = new Map<string, Uint8Array | null>([
      ['acct/gp00', Uint8Array.of(1, 2, 3)],
      ['meta/supply', null],
      ['empty', new Uint8Array(0)],
      ['ключ/✓', new Uint8Array(300).fill(7)],
    ]);
    const decoded = decodeUndo(encodeUndo(changes));
    assert.deepEqual(
      [...decoded].map(([k, v]) => [k, v && [...v]]),
      [...changes].map(([k, v]) => [k, v && [...v]]),
    );
  });

  it('round-trips an empty record', () => {
    assert.equal(decodeUndo(encodeUndo(new Map())).size, 0);
  });

  it('rejects trailing and missing bytes', () => {
    const bytes = encodeUndo(new Map([['k', Uint8Array.of(1)]]));
    assertThrowsCoded(() => decodeUndo(Uint8Array.of(...bytes, 0)), 'CODEC_TRAILING_BYTES');
    assertThrowsCoded(() => decodeUndo(bytes.subarray(0, bytes.length - 1)), 'CODEC_TRUNCATED');
  });
});
