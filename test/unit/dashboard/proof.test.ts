import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  stateEntryLeaf as browserStateEntryLeaf,
  encodeHeader,
  headerHashHex,
  tradeStateKey,
  verifyReceipt,
  verifyTxProof,
} from '../../../dashboard/src/proof.js';
import { devKeyPair } from '../../../src/chain/devAccounts.js';
import { toHex } from '../../../src/crypto/index.js';
import {
  type BlockHeader,
  headerHash,
  headerToJSON,
  encodeHeader as nodeEncodeHeader,
} from '../../../src/ledger/block.js';
import {
  merkleLeafHash,
  merkleProof,
  merkleProofOfLeafHashes,
  merkleRoot,
  rootOfLeafHashes,
} from '../../../src/ledger/merkle.js';
import { stateEntryLeaf } from '../../../src/ledger/state.js';

function header(stateRoot: Uint8Array, txRoot: Uint8Array): BlockHeader {
  return {
    version: 1,
    height: 42,
    prevHash: new Uint8Array(32).fill(7),
    txRoot,
    stateRoot,
    timestampMs: 1_700_000_000_000,
    bits: 0x207fffff,
    miner: devKeyPair('Admin').address,
    nonce: 123_456_789n,
    extra: new Uint8Array([1, 2, 3]),
  };
}

/** A receipt shaped like src/contract/receipt.ts buildReceipt's, over a state of `count` entries. */
function receipt(count: number, index: number) {
  const entries = Array.from({ length: count }, (_, i) => {
    const key = `mkt/trade/${String(3).padStart(10, '0')}/${String(i).padStart(10, '0')}`;
    return { key, value: new Uint8Array([i, i + 1, i + 2, 9]) };
  });
  const leafHashes = entries.map((e) => merkleLeafHash(stateEntryLeaf(e.key, e.value)));
  const h = header(rootOfLeafHashes(leafHashes), new Uint8Array(32).fill(1));
  const entry = entries[index]!;
  return {
    format: 'gridpeer-receipt/1',
    tradeId: `3-${index}`,
    stateKey: entry.key,
    stateValue: toHex(entry.value),
    blockHash: toHex(headerHash(h)),
    header: headerToJSON(h),
    leafIndex: index,
    path: merkleProofOfLeafHashes(leafHashes, index).map((s) => ({
      sibling: toHex(s.sibling),
      siblingOnLeft: s.siblingOnLeft,
    })),
  };
}

describe('dashboard proof checks (in the browser)', () => {
  it('encodes headers and state leaves like the node', () => {
    const h = header(new Uint8Array(32).fill(3), new Uint8Array(32).fill(4));
    assert.equal(toHex(encodeHeader(headerToJSON(h))), toHex(nodeEncodeHeader(h)));
    assert.equal(headerHashHex(headerToJSON(h)), toHex(headerHash(h)));
    const value = new Uint8Array([5, 6, 7]);
    assert.equal(toHex(browserStateEntryLeaf('mkt/trade/ü', value)), toHex(stateEntryLeaf('mkt/trade/ü', value)));
    assert.equal(tradeStateKey('12-3'), 'mkt/trade/0000000012/0000000003');
    assert.equal(tradeStateKey('x'), undefined);
  });

  it('accepts a valid receipt for every position of odd and even trees', () => {
    for (const count of [1, 2, 5, 8]) {
      for (let index = 0; index < count; index++) {
        const result = verifyReceipt(receipt(count, index));
        assert.equal(result.valid, true, `${count}/${index}: ${result.valid ? '' : result.reason}`);
      }
    }
  });

  it('rejects a tampered receipt', () => {
    const tamperedValue = { ...receipt(5, 2), stateValue: '02030408' };
    assert.equal(verifyReceipt(tamperedValue).valid, false);
    const base = receipt(5, 2);
    const tamperedPath = {
      ...base,
      path: base.path.map((s, i) => (i === 0 ? { ...s, siblingOnLeft: !s.siblingOnLeft } : s)),
    };
    assert.equal(verifyReceipt(tamperedPath).valid, false);
    const tamperedHeader = { ...base, header: { ...base.header, height: 43 } };
    const r = verifyReceipt(tamperedHeader);
    assert.equal(r.valid, false);
    assert.match(r.valid ? '' : r.reason, /blockHash/);
    assert.equal(verifyReceipt({ ...base, tradeId: '3-1' }).valid, false);
    assert.equal(verifyReceipt(null).valid, false);
    assert.equal(verifyReceipt({ ...base, path: 'x' }).valid, false);
  });

  it('checks a transaction inclusion proof against txRoot', () => {
    const ids = Array.from({ length: 3 }, (_, i) => new Uint8Array(32).fill(i + 10));
    const h = header(new Uint8Array(32), merkleRoot(ids));
    const proof = {
      format: 'gridpeer-tx-proof/1',
      txHash: toHex(ids[2]!),
      txIndex: 2,
      blockHash: toHex(headerHash(h)),
      header: headerToJSON(h),
      path: merkleProof(ids, 2).map((s) => ({ sibling: toHex(s.sibling), siblingOnLeft: s.siblingOnLeft })),
    };
    assert.equal(verifyTxProof(proof).valid, true);
    assert.equal(verifyTxProof({ ...proof, txHash: toHex(ids[1]!) }).valid, false);
  });
});
