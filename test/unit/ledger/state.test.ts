import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { bytesEqual, toHex } from '../../../src/crypto/index.js';
import { Writer } from '../../../src/ledger/codec.js';
import { merkleLeafHash, rootOfLeafHashes, verifyMerkleProof } from '../../../src/ledger/merkle.js';
import {
  accountKey,
  decodeAccount,
  EMPTY_ACCOUNT,
  encodeAccount,
  genesisState,
  LedgerState,
  StateOverlay,
  SUPPLY_KEY,
  stateEntryLeaf,
} from '../../../src/ledger/state.js';
import { MAX_MONEY_MICRO } from '../../../src/units/index.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import { alice, bob, carol, DEFAULT_ALLOCATIONS, dave } from '../../helpers/ledgerFixtures.js';

const bytes = (...values: number[]) => new Uint8Array(values);

function snapshot(state: LedgerState): Array<[string, string]> {
  return [...state.sortedEntries()].map(([key, value]) => [key, toHex(value)]);
}

describe('account encoding', () => {
  it('is balance u64 then nonce u64, and round-trips', () => {
    const account = { balanceMicro: 123_456_789n, nonce: 42 };
    const encoded = Buffer.from(encodeAccount(account));
    assert.equal(encoded.length, 16);
    assert.equal(encoded.readBigUInt64BE(0), 123_456_789n);
    assert.equal(encoded.readBigUInt64BE(8), 42n);
    assert.deepEqual(decodeAccount(encoded), account);
  });

  it('decodeAccount is strict about length', () => {
    assertThrowsCoded(() => decodeAccount(new Uint8Array(15)), 'CODEC_TRUNCATED');
    assertThrowsCoded(() => decodeAccount(new Uint8Array(17)), 'CODEC_TRAILING_BYTES');
  });

  it('accountKey prefixes the address', () => {
    assert.equal(accountKey(alice.address), `acct/${alice.address}`);
  });
});

describe('LedgerState', () => {
  it('an empty state has no entries, zero supply and the empty-tree root', () => {
    const state = LedgerState.empty();
    assert.equal(state.size, 0);
    assert.equal(state.supplyMicro(), 0n);
    assert.ok(bytesEqual(state.root(), createHash('sha256').digest()));
  });

  it('an unknown account reads as the empty account', () => {
    assert.deepEqual(LedgerState.empty().account(alice.address), EMPTY_ACCOUNT);
  });

  it('the root is the Merkle root of SHA-256(0x00 ‖ u16 keyLength ‖ key ‖ value) leaves in key order', () => {
    const state = LedgerState.fromEntries([
      ['b', bytes(2)],
      ['a', bytes(1)],
    ]);
    const leaf = (key: string, value: Uint8Array) =>
      merkleLeafHash(new Writer().u16(Buffer.byteLength(key)).raw(Buffer.from(key)).raw(value).finish());
    assert.ok(bytesEqual(state.root(), rootOfLeafHashes([leaf('a', bytes(1)), leaf('b', bytes(2))])));
  });

  it('the root is independent of insertion order', () => {
    const entries: Array<[string, Uint8Array]> = [
      ['acct/x', bytes(1)],
      ['acct/y', bytes(2)],
      ['meta/supply', bytes(3)],
      ['a', bytes(4)],
      ['zz', bytes(5)],
    ];
    const forward = LedgerState.fromEntries(entries);
    const backward = LedgerState.fromEntries([...entries].reverse());
    const stepwise = entries.reduce((state, [key, value]) => state.apply(new Map([[key, value]])), LedgerState.empty());
    assert.ok(bytesEqual(forward.root(), backward.root()));
    assert.ok(bytesEqual(forward.root(), stepwise.root()));
    assert.deepEqual(snapshot(forward), snapshot(backward));
  });

  it('the root changes when any value changes', () => {
    const state = LedgerState.fromEntries([
      ['a', bytes(1)],
      ['b', bytes(2)],
    ]);
    assert.ok(!bytesEqual(state.root(), state.apply(new Map([['b', bytes(3)]])).root()));
  });

  it('the root binds keys to values (swapping values changes it)', () => {
    const one = LedgerState.fromEntries([
      ['a', bytes(1)],
      ['b', bytes(2)],
    ]);
    const other = LedgerState.fromEntries([
      ['a', bytes(2)],
      ['b', bytes(1)],
    ]);
    assert.ok(!bytesEqual(one.root(), other.root()));
  });

  it('sortedEntries yields keys in ascending order', () => {
    const state = LedgerState.fromEntries([
      ['c', bytes(3)],
      ['a', bytes(1)],
      ['b', bytes(2)],
    ]);
    assert.deepEqual(
      [...state.sortedEntries()].map(([key]) => key),
      ['a', 'b', 'c'],
    );
  });

  it('apply returns a new state and leaves the original unchanged', () => {
    const state = LedgerState.fromEntries([['a', bytes(1)]]);
    const rootBefore = toHex(state.root());
    const next = state.apply(new Map([['b', bytes(2)]]));
    assert.equal(state.get('b'), undefined);
    assert.equal(toHex(state.root()), rootBefore);
    assert.deepEqual(next.get('b'), bytes(2));
    assert.equal(next.size, 2);
  });

  it('apply with no changes returns the same state', () => {
    const state = LedgerState.fromEntries([['a', bytes(1)]]);
    assert.equal(state.apply(new Map()), state);
  });

  it('apply deletes keys given null, and deleting an absent key is a no-op', () => {
    const state = LedgerState.fromEntries([
      ['a', bytes(1)],
      ['b', bytes(2)],
    ]);
    const next = state.apply(
      new Map<string, Uint8Array | null>([
        ['a', null],
        ['missing', null],
      ]),
    );
    assert.equal(next.get('a'), undefined);
    assert.equal(next.size, 1);
    assert.ok(bytesEqual(next.root(), LedgerState.fromEntries([['b', bytes(2)]]).root()));
  });

  it('undoFor restores the previous entries and root (updates, inserts and deletes)', () => {
    const state = LedgerState.fromEntries([
      ['a', bytes(1)],
      ['b', bytes(2)],
    ]);
    const changes = new Map<string, Uint8Array | null>([
      ['a', bytes(9)],
      ['b', null],
      ['c', bytes(3)],
    ]);
    const undo = state.undoFor(changes);
    const next = state.apply(changes);
    assert.ok(!bytesEqual(next.root(), state.root()));
    const restored = next.apply(undo);
    assert.ok(bytesEqual(restored.root(), state.root()));
    assert.deepEqual(snapshot(restored), snapshot(state));
  });

  it('accounts() lists only account entries, decoded, in address order', () => {
    const state = genesisState(DEFAULT_ALLOCATIONS);
    const listed = state.accounts();
    assert.deepEqual(
      listed.map((entry) => entry.address),
      DEFAULT_ALLOCATIONS.map((a) => a.address).sort(),
    );
    for (const allocation of DEFAULT_ALLOCATIONS) {
      assert.equal(
        listed.find((entry) => entry.address === allocation.address)?.account.balanceMicro,
        allocation.balanceMicro,
      );
    }
  });
});

describe('StateOverlay', () => {
  const base = genesisState(DEFAULT_ALLOCATIONS);

  it('reads through to the base and sees its own writes first', () => {
    const overlay = new StateOverlay(base);
    assert.equal(overlay.account(alice.address).balanceMicro, DEFAULT_ALLOCATIONS[0]!.balanceMicro);
    overlay.setAccount(alice.address, { balanceMicro: 1n, nonce: 1 });
    assert.deepEqual(overlay.account(alice.address), { balanceMicro: 1n, nonce: 1 });
    assert.equal(base.account(alice.address).nonce, 0);
  });

  it('a deleted key reads as absent even when the base has it', () => {
    const overlay = new StateOverlay(base);
    overlay.delete(accountKey(alice.address));
    assert.equal(overlay.get(accountKey(alice.address)), undefined);
    assert.deepEqual(overlay.account(alice.address), EMPTY_ACCOUNT);
    assert.equal(overlay.changes().get(accountKey(alice.address)), null);
  });

  it('a child’s writes stay invisible to the parent until merged', () => {
    const parent = new StateOverlay(base);
    const child = parent.child();
    child.setAccount(dave.address, { balanceMicro: 5n, nonce: 0 });
    assert.deepEqual(parent.account(dave.address), EMPTY_ACCOUNT);
    child.mergeInto(parent);
    assert.equal(parent.account(dave.address).balanceMicro, 5n);
  });

  it('supply reads and writes the meta/supply entry', () => {
    const overlay = new StateOverlay(base);
    overlay.setSupplyMicro(7n);
    assert.equal(overlay.supplyMicro(), 7n);
    assert.equal(Buffer.from(overlay.get(SUPPLY_KEY)!).readBigUInt64BE(0), 7n);
  });

  it('changes applied to the base give the overlay’s view', () => {
    const overlay = new StateOverlay(base);
    overlay.setAccount(bob.address, { balanceMicro: 3n, nonce: 2 });
    const next = base.apply(overlay.changes());
    assert.deepEqual(next.account(bob.address), { balanceMicro: 3n, nonce: 2 });
    assert.deepEqual(next.account(carol.address), base.account(carol.address));
  });

  it('setAccount refuses balances outside the money range with STORE_CORRUPT', () => {
    const overlay = new StateOverlay(base);
    assertThrowsCoded(() => overlay.setAccount(alice.address, { balanceMicro: -1n, nonce: 0 }), 'STORE_CORRUPT');
    assertThrowsCoded(
      () => overlay.setAccount(alice.address, { balanceMicro: MAX_MONEY_MICRO + 1n, nonce: 0 }),
      'STORE_CORRUPT',
    );
    assert.equal(overlay.changes().size, 0);
  });
});

describe('genesisState', () => {
  it('allocates balances with nonce 0 and sets the supply to their sum', () => {
    const state = genesisState(DEFAULT_ALLOCATIONS);
    for (const allocation of DEFAULT_ALLOCATIONS) {
      assert.deepEqual(state.account(allocation.address), { balanceMicro: allocation.balanceMicro, nonce: 0 });
    }
    const sum = DEFAULT_ALLOCATIONS.reduce((total, a) => total + a.balanceMicro, 0n);
    assert.equal(state.supplyMicro(), sum);
  });

  it('the root does not depend on allocation order', () => {
    const reversed = genesisState([...DEFAULT_ALLOCATIONS].reverse());
    assert.ok(bytesEqual(reversed.root(), genesisState(DEFAULT_ALLOCATIONS).root()));
  });

  it('sums repeated allocations to the same address', () => {
    const state = genesisState([
      { address: alice.address, balanceMicro: 5n },
      { address: alice.address, balanceMicro: 7n },
    ]);
    assert.equal(state.account(alice.address).balanceMicro, 12n);
    assert.equal(state.supplyMicro(), 12n);
  });

  it('an empty allocation has only the zero supply entry', () => {
    const state = genesisState([]);
    assert.equal(state.size, 1);
    assert.equal(state.supplyMicro(), 0n);
  });

  it('rejects a malformed address with INVALID_ADDRESS', () => {
    assertThrowsCoded(() => genesisState([{ address: 'alice', balanceMicro: 1n }]), 'INVALID_ADDRESS');
  });

  it('rejects a negative balance with INVALID_AMOUNT', () => {
    assertThrowsCoded(
      () => genesisState([{ address: alice.address, balanceMicro: -1n }]),
      'INVALID_AMOUNT',
      'balanceMicro',
    );
  });

  it('accepts a total supply of exactly 2^64-1', () => {
    const state = genesisState([
      { address: alice.address, balanceMicro: MAX_MONEY_MICRO - 1n },
      { address: bob.address, balanceMicro: 1n },
    ]);
    assert.equal(state.supplyMicro(), MAX_MONEY_MICRO);
  });

  it('rejects allocations whose sum exceeds 2^64-1 with INVALID_AMOUNT', () => {
    assertThrowsCoded(
      () =>
        genesisState([
          { address: alice.address, balanceMicro: 2n ** 63n },
          { address: bob.address, balanceMicro: 2n ** 63n },
        ]),
      'INVALID_AMOUNT',
      'balanceMicro',
    );
  });
});

describe('state: prefix scans and entry proofs', () => {
  const state = LedgerState.fromEntries(
    [
      'mkt/trade/0000000001/0000000000',
      'mkt/trade/0000000001/0000000001',
      'mkt/trade/0000000002/0000000000',
      'mkt/s',
      'acct/x',
    ].map((key, i) => [key, bytes(i, i + 1)] as const),
  );

  it('lists the entries under a prefix in key order, and nothing for an absent prefix', () => {
    assert.deepEqual(
      [...state.entriesWithPrefix('mkt/trade/0000000001/')].map(([key]) => key),
      ['mkt/trade/0000000001/0000000000', 'mkt/trade/0000000001/0000000001'],
    );
    assert.deepEqual([...state.entriesWithPrefix('mkt/zzz')], []);
  });

  it('proves every entry under the state root, and a changed value or key fails', () => {
    for (const [key, value] of state.sortedEntries()) {
      const found = state.proofOf(key);
      assert.ok(found);
      assert.equal(found.index, state.indexOfKey(key));
      assert.ok(verifyMerkleProof(stateEntryLeaf(key, value), found.proof, state.root()));
      assert.equal(verifyMerkleProof(stateEntryLeaf(key, bytes(9)), found.proof, state.root()), false);
      assert.equal(verifyMerkleProof(stateEntryLeaf(`${key}x`, value), found.proof, state.root()), false);
    }
    assert.equal(state.proofOf('mkt/absent'), null);
  });
});
