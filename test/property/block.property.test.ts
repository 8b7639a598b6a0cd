import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesEqual, toHex } from '../../src/crypto/index.js';
import { isGridPeerError } from '../../src/errors/index.js';
import {
  blockFromJSON,
  blockToJSON,
  decodeBlock,
  decodeHeader,
  encodeBlock,
  encodeHeader,
  headerFromJSON,
  headerHash,
  headerToJSON,
} from '../../src/ledger/block.js';
import { anyHeader, anyTx, runs } from '../helpers/arbitraries.js';
import { assertSameValue } from '../helpers/assertions.js';

const anyBlock = fc.record({ header: anyHeader, txs: fc.array(anyTx, { maxLength: 6 }) });

describe('block encoding (property)', () => {
  it('decodeHeader(encodeHeader(h)) = h for arbitrary headers, including extra data', () => {
    fc.assert(
      fc.property(anyHeader, (header) => {
        const bytes = encodeHeader(header);
        const decoded = decodeHeader(bytes);
        assertSameValue(decoded, header);
        assert.ok(bytesEqual(encodeHeader(decoded), bytes));
      }),
      runs(500),
    );
  });

  it('headerFromJSON(JSON text of headerToJSON(h)) = h', () => {
    fc.assert(
      fc.property(anyHeader, (header) => {
        const back = headerFromJSON(JSON.parse(JSON.stringify(headerToJSON(header))));
        assertSameValue(back, header);
        assert.equal(toHex(headerHash(back)), toHex(headerHash(header)));
      }),
      runs(300),
    );
  });

  it('decodeBlock(encodeBlock(b)) = b for arbitrary headers and transaction lists', () => {
    fc.assert(
      fc.property(anyBlock, (block) => {
        const bytes = encodeBlock(block);
        const decoded = decodeBlock(bytes);
        assertSameValue(decoded, block);
        assert.ok(bytesEqual(encodeBlock(decoded), bytes));
      }),
      runs(300),
    );
  });

  it('blockFromJSON(JSON text of blockToJSON(b)) encodes to the same bytes', () => {
    fc.assert(
      fc.property(anyBlock, (block) => {
        const back = blockFromJSON(JSON.parse(JSON.stringify(blockToJSON(block))));
        assert.ok(bytesEqual(encodeBlock(back), encodeBlock(block)));
      }),
      runs(200),
    );
  });

  it('every strict prefix of an encoded block fails with CODEC_TRUNCATED', () => {
    fc.assert(
      fc.property(anyBlock, fc.nat(), (block, cut) => {
        const bytes = encodeBlock(block);
        assert.throws(
          () => decodeBlock(bytes.subarray(0, cut % bytes.length)),
          (error: unknown) => isGridPeerError(error, 'CODEC_TRUNCATED'),
        );
      }),
      runs(300),
    );
  });
});
