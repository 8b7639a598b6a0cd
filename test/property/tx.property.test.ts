import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesEqual } from '../../src/crypto/index.js';
import { isGridPeerError } from '../../src/errors/index.js';
import {
  createTransfer,
  decodeTx,
  encodeTx,
  txFromJSON,
  txHashHex,
  txToJSON,
  verifyTxSignature,
} from '../../src/ledger/tx.js';
import { address, anyTx, runs, safeUint, u32, u64 } from '../helpers/arbitraries.js';
import { assertSameValue } from '../helpers/assertions.js';
import { testKey } from '../helpers/ledgerFixtures.js';

/** A correctly signed transfer from one of four fixed keys, with arbitrary field values. */
const signedTransfer = fc
  .record({
    signer: fc.integer({ min: 1, max: 4 }),
    chainId: u32,
    to: address,
    amountMicro: u64,
    nonce: safeUint,
    feeMicro: u64,
    energyWh: safeUint,
    timestampMs: safeUint,
  })
  .map(({ signer, ...params }) => createTransfer(params, testKey(signer)));

describe('transaction encoding (property)', () => {
  it('decode(encode(tx)) = tx for arbitrary field values, and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(anyTx, (tx) => {
        const bytes = encodeTx(tx);
        const decoded = decodeTx(bytes);
        assertSameValue(decoded, tx);
        assert.ok(bytesEqual(encodeTx(decoded), bytes));
      }),
      runs(500),
    );
  });

  it('txFromJSON(JSON text of txToJSON(tx)) = tx', () => {
    fc.assert(
      fc.property(anyTx, (tx) => {
        const back = txFromJSON(JSON.parse(JSON.stringify(txToJSON(tx))));
        assertSameValue(back, tx);
        assert.equal(txHashHex(back), txHashHex(tx));
      }),
      runs(300),
    );
  });

  it('a signed transfer verifies after a round trip through bytes', () => {
    fc.assert(
      fc.property(signedTransfer, (tx) => {
        assert.equal(verifyTxSignature(decodeTx(encodeTx(tx))), true);
      }),
      runs(100),
    );
  });

  it('changing any single byte of a signed transfer fails to decode with a codec error, or yields a different transaction whose signature fails', () => {
    fc.assert(
      fc.property(signedTransfer, fc.nat(), fc.integer({ min: 1, max: 255 }), (tx, position, xor) => {
        const original = encodeTx(tx);
        const mutated = original.slice();
        const at = position % mutated.length;
        mutated[at] = mutated[at]! ^ xor;
        let decoded: ReturnType<typeof decodeTx>;
        try {
          decoded = decodeTx(mutated);
        } catch (error) {
          assert.ok(isGridPeerError(error), String(error));
          assert.match(error.code, /^CODEC_/);
          return;
        }
        // Canonical: the decoded value re-encodes to exactly the mutated bytes, so its id differs.
        assert.ok(bytesEqual(encodeTx(decoded), mutated), `byte ${at} has two meanings`);
        assert.notEqual(txHashHex(decoded), txHashHex(tx));
        assert.equal(verifyTxSignature(decoded), false, `byte ${at} ^ ${xor} kept a valid signature`);
      }),
      runs(1_000),
    );
  });

  it('changing any single byte of an arbitrary transaction never decodes to the same transaction id', () => {
    fc.assert(
      fc.property(anyTx, fc.nat(), fc.integer({ min: 1, max: 255 }), (tx, position, xor) => {
        const original = encodeTx(tx);
        const mutated = original.slice();
        const at = position % mutated.length;
        mutated[at] = mutated[at]! ^ xor;
        try {
          const decoded = decodeTx(mutated);
          assert.ok(bytesEqual(encodeTx(decoded), mutated));
          assert.notEqual(txHashHex(decoded), txHashHex(tx));
        } catch (error) {
          assert.ok(isGridPeerError(error) && error.code.startsWith('CODEC_'), String(error));
        }
      }),
      runs(400),
    );
  });
});
