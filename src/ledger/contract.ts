/**
 * @module ledger/contract
 * The seam between the ledger's state transition and the market's rules (DESIGN.md §2: "the market is a
 * deterministic state machine executed by every node"). The ledger handles what every transaction shares — the
 * signature, the nonce, the fee — and hands each market transaction, and the start of every block, to a
 * {@link StateContract}. The implementation lives in `src/contract/` (it imports the market's clearing
 * functions); `node/` and the simulator pass it in, so the ledger and the chain never import the market.
 *
 * Everything a contract writes goes through the block's {@link StateOverlay}, so its records are covered by the
 * state root: a block whose miner cleared a slot differently (a forged trade, an altered price, a skipped
 * clearing) ends at another root and every honest node rejects it (`BLOCK_BAD_STATE_ROOT`).
 */
import type { Address, Hash32 } from '../crypto/index.js';
import type { ValidationResult } from '../errors/result.js';
import type { StateOverlay, StateReader } from './state.js';
import type { MarketTransaction } from './tx.js';

/** Keys under this prefix belong to the contract; the ledger writes only {@link MARKET_ADMIN_KEY} (at genesis). */
export const CONTRACT_KEY_PREFIX = 'mkt/';
/** The network administrator's address (seed 004 §IV), set by the genesis configuration's `market.admin`. */
export const MARKET_ADMIN_KEY = 'mkt/admin';

export interface BlockContext {
  readonly height: number;
  readonly timestampMs: number;
}

export interface TxContext extends BlockContext {
  /** The transaction's id (an order's id is the hash of its offer or bid transaction). */
  readonly txHash: Hash32;
  readonly sender: Address;
}

export interface StateContract {
  /** Context-free rules of a market payload (ranges, lengths); the same answer on every node and at any time. */
  checkTx(tx: MarketTransaction): ValidationResult;
  /**
   * Applies a market transaction. The ledger has already checked and advanced the sender's nonce and taken the
   * fee; `overlay` is a child overlay that is discarded when this returns a failure.
   */
  applyTx(overlay: StateOverlay, tx: MarketTransaction, context: TxContext): ValidationResult;
  /**
   * Runs at the start of every block, before its transactions: every slot whose gate closure is at or before
   * `context.timestampMs` is cleared and settled (seed 000 §5 guideline 3).
   */
  beginBlock(overlay: StateOverlay, context: BlockContext): ValidationResult;
  /**
   * Coins the contract holds outside account balances (escrow, and the signed positions of grid and operator),
   * so that Σ balances + held = issued supply (money conservation, checked by tests and `chain verify`).
   */
  heldMicro(state: StateReader): bigint;
}
