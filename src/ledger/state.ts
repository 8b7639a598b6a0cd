/**
 * @module ledger/state
 * Ledger state: accounts (balance, nonce) and, from later issues, the market's records, held as one sorted
 * key → canonical-bytes map (DESIGN.md §4 "accounts, not UTXOs"). Its root commits to every entry:
 *
 *   leaf  = SHA-256(0x00 ‖ u16 keyLength ‖ key ‖ value)   (ledger/merkle leaf rule)
 *   root  = Merkle root of the leaves in ascending key order
 *
 * A {@link LedgerState} is immutable; a block is applied through a {@link StateOverlay} whose writes become a
 * new state on commit, so a failed transaction or block leaves nothing behind. Leaf hashes of unchanged entries
 * are reused, so a new root costs one hash per changed entry plus the Merkle combine.
 */
import { type Address, addressToBytes, type Hash32, isAddress } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { inMoneyRange, MAX_MONEY_MICRO } from '../units/index.js';
import { Reader, Writer } from './codec.js';
import { MARKET_ADMIN_KEY } from './contract.js';
import { type MerkleStep, merkleLeafHash, merkleProofOfLeafHashes, rootOfLeafHashes } from './merkle.js';

export interface Account {
  readonly balanceMicro: bigint;
  readonly nonce: number;
}

export const EMPTY_ACCOUNT: Account = Object.freeze({ balanceMicro: 0n, nonce: 0 });

const ACCOUNT_PREFIX = 'acct/';
/** Total coins ever issued (genesis allocation + rewards); lets anyone check conservation from the root. */
export const SUPPLY_KEY = 'meta/supply';

export function accountKey(address: Address): string {
  return ACCOUNT_PREFIX + address;
}

export function encodeAccount(account: Account): Uint8Array {
  return new Writer(16).u64(account.balanceMicro).u64n(account.nonce).finish();
}

export function decodeAccount(bytes: Uint8Array): Account {
  const r = new Reader(bytes, 'account');
  const account = { balanceMicro: r.u64('balanceMicro'), nonce: r.u64n('nonce') };
  r.end();
  return account;
}

function encodeU64(value: bigint): Uint8Array {
  return new Writer(8).u64(value).finish();
}

function decodeU64(bytes: Uint8Array): bigint {
  const r = new Reader(bytes, 'u64');
  const value = r.u64('value');
  r.end();
  return value;
}

/** The Merkle leaf of one state entry: u16 key length ‖ key (UTF-8) ‖ value. */
export function stateEntryLeaf(key: string, value: Uint8Array): Uint8Array {
  const keyBytes = Buffer.from(key, 'utf8');
  return new Writer(2 + keyBytes.length + value.length).u16(keyBytes.length).raw(keyBytes).raw(value).finish();
}

function entryLeafHash(key: string, value: Uint8Array): Hash32 {
  return merkleLeafHash(stateEntryLeaf(key, value));
}

/** Read access shared by states and overlays. */
export interface StateReader {
  get(key: string): Uint8Array | undefined;
}

function readAccount(reader: StateReader, address: Address): Account {
  const bytes = reader.get(accountKey(address));
  return bytes ? decodeAccount(bytes) : EMPTY_ACCOUNT;
}

function readSupply(reader: StateReader): bigint {
  const bytes = reader.get(SUPPLY_KEY);
  return bytes ? decodeU64(bytes) : 0n;
}

/** Two ascending key lists (no key in both) merged into one ascending list. */
function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! < b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** Changes of one block: key → new value, or null for a deleted key. */
export type StateChanges = ReadonlyMap<string, Uint8Array | null>;

export class LedgerState implements StateReader {
  private rootCache: Hash32 | undefined;

  private constructor(
    private readonly entries: ReadonlyMap<string, Uint8Array>,
    private readonly leafHashes: ReadonlyMap<string, Hash32>,
    private readonly sortedKeys: readonly string[],
  ) {}

  static empty(): LedgerState {
    return new LedgerState(new Map(), new Map(), []);
  }

  /** Builds a state from stored entries (for example a snapshot read back from disk). */
  static fromEntries(entries: Iterable<readonly [string, Uint8Array]>): LedgerState {
    return LedgerState.empty().apply(new Map(entries));
  }

  get(key: string): Uint8Array | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }

  account(address: Address): Account {
    return readAccount(this, address);
  }

  /** Total coins issued so far (genesis allocation plus every block reward). */
  supplyMicro(): bigint {
    return readSupply(this);
  }

  /** All entries in ascending key order. */
  *sortedEntries(): IterableIterator<[string, Uint8Array]> {
    for (const key of this.sortedKeys) yield [key, this.entries.get(key)!];
  }

  /** Entries whose key starts with `prefix`, in ascending key order (a binary search, then a scan). */
  *entriesWithPrefix(prefix: string): IterableIterator<[string, Uint8Array]> {
    const keys = this.sortedKeys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < keys.length && keys[i]!.startsWith(prefix); i++) yield [keys[i]!, this.entries.get(keys[i]!)!];
  }

  /** Position of `key` in ascending key order (its leaf index under the root), or -1 when absent. */
  indexOfKey(key: string): number {
    const keys = this.sortedKeys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return keys[lo] === key ? lo : -1;
  }

  /**
   * Inclusion proof of the entry at `key` under {@link root} (verify with `verifyMerkleProof(stateEntryLeaf(key,
   * value), proof, root)`), or null when the key is absent.
   */
  proofOf(key: string): { index: number; proof: MerkleStep[] } | null {
    const index = this.indexOfKey(key);
    if (index < 0) return null;
    return {
      index,
      proof: merkleProofOfLeafHashes(
        this.sortedKeys.map((k) => this.leafHashes.get(k)!),
        index,
      ),
    };
  }

  /** Every account with its address, in address order. */
  accounts(): Array<{ address: Address; account: Account }> {
    const out: Array<{ address: Address; account: Account }> = [];
    for (const [key, value] of this.sortedEntries()) {
      if (key.startsWith(ACCOUNT_PREFIX))
        out.push({ address: key.slice(ACCOUNT_PREFIX.length), account: decodeAccount(value) });
    }
    return out;
  }

  root(): Hash32 {
    if (!this.rootCache) this.rootCache = rootOfLeafHashes(this.sortedKeys.map((key) => this.leafHashes.get(key)!));
    return this.rootCache;
  }

  /** A new state with `changes` applied; this one is unchanged. */
  apply(changes: StateChanges): LedgerState {
    if (changes.size === 0) return this;
    const entries = new Map(this.entries);
    const leafHashes = new Map(this.leafHashes);
    const added: string[] = [];
    let removed = false;
    for (const [key, value] of changes) {
      if (value === null) {
        if (entries.delete(key)) removed = true;
        leafHashes.delete(key);
      } else {
        if (!entries.has(key)) added.push(key);
        entries.set(key, value);
        leafHashes.set(key, entryLeafHash(key, value));
      }
    }
    let sortedKeys = this.sortedKeys;
    if (removed) sortedKeys = sortedKeys.filter((key) => entries.has(key));
    // New keys are sorted alone and merged in: a block adds a few thousand keys to a state of a few hundred
    // thousand, and sorting them all again made block application the simulator's largest cost.
    if (added.length > 0) sortedKeys = mergeSorted(sortedKeys, added.sort());
    return new LedgerState(entries, leafHashes, sortedKeys);
  }

  /** The changes that turn `this` back into the state before `changes` were applied (undo data). */
  undoFor(changes: StateChanges): Map<string, Uint8Array | null> {
    const undo = new Map<string, Uint8Array | null>();
    for (const key of changes.keys()) undo.set(key, this.entries.get(key) ?? null);
    return undo;
  }
}

/**
 * Writes staged over a reader. Overlays nest: a transaction runs in a child overlay and is merged into the
 * block's overlay only when it succeeds.
 */
export class StateOverlay implements StateReader {
  private readonly writes = new Map<string, Uint8Array | null>();

  constructor(private readonly base: StateReader) {}

  get(key: string): Uint8Array | undefined {
    const written = this.writes.get(key);
    if (written !== undefined) return written ?? undefined;
    return this.base.get(key);
  }

  set(key: string, value: Uint8Array): void {
    this.writes.set(key, value);
  }

  delete(key: string): void {
    this.writes.set(key, null);
  }

  account(address: Address): Account {
    return readAccount(this, address);
  }

  setAccount(address: Address, account: Account): void {
    if (account.balanceMicro < 0n || account.balanceMicro > MAX_MONEY_MICRO) {
      // Callers check balances before writing; reaching this is a bug in a state rule, not bad input.
      throw new GridPeerError('STORE_CORRUPT', 'state rule produced a balance outside the money range', {
        address,
        balanceMicro: account.balanceMicro.toString(),
      });
    }
    this.set(accountKey(address), encodeAccount(account));
  }

  supplyMicro(): bigint {
    return readSupply(this);
  }

  setSupplyMicro(supplyMicro: bigint): void {
    this.set(SUPPLY_KEY, encodeU64(supplyMicro));
  }

  child(): StateOverlay {
    return new StateOverlay(this);
  }

  /** Merges this overlay's writes into its parent overlay. */
  mergeInto(parent: StateOverlay): void {
    for (const [key, value] of this.writes) parent.writes.set(key, value);
  }

  changes(): StateChanges {
    return this.writes;
  }
}

/** Genesis allocation entry. */
export interface Allocation {
  readonly address: Address;
  readonly balanceMicro: bigint;
}

/**
 * The state of the genesis block: allocated balances, the supply they make up and, when the network has a market,
 * its administrator (the only contract record the ledger writes; `ledger/contract.ts`).
 */
export function genesisState(allocations: readonly Allocation[], marketAdmin: Address | null = null): LedgerState {
  const overlay = new StateOverlay(LedgerState.empty());
  let supplyMicro = 0n;
  for (const { address, balanceMicro } of allocations) {
    if (!isAddress(address)) throw new GridPeerError('INVALID_ADDRESS', 'allocation address is malformed', { address });
    // Allocations come from a genesis file (input): an amount outside the u64 money range, alone or summed into
    // the supply, is bad input, not a broken state rule.
    if (!inMoneyRange(balanceMicro) || supplyMicro + balanceMicro > MAX_MONEY_MICRO) {
      throw new GridPeerError(
        'INVALID_AMOUNT',
        'allocation balanceMicro takes the supply outside [0, 2^64-1] micro-coins',
        {
          field: 'balanceMicro',
          address,
          value: balanceMicro.toString(),
        },
      );
    }
    const previous = overlay.account(address);
    overlay.setAccount(address, { balanceMicro: previous.balanceMicro + balanceMicro, nonce: 0 });
    supplyMicro += balanceMicro;
  }
  overlay.setSupplyMicro(supplyMicro);
  if (marketAdmin !== null) overlay.set(MARKET_ADMIN_KEY, addressToBytes(marketAdmin, 'market.admin'));
  return LedgerState.empty().apply(overlay.changes());
}
