/**
 * @module ledger/validation
 * The ledger's rules (MISSION L3): context-free checks of transactions and blocks, the contextual header checks
 * (links, heights, timestamps) and the state transition. Each check returns a {@link ValidationResult} naming
 * the rule; nothing here throws on bad input (bitcoin `CheckTransaction` / `ContextualCheckBlock` split).
 */
import { bytesEqual, toHex } from '../crypto/index.js';
import { invalid, locate, VALID, type ValidationFailure, type ValidationResult } from '../errors/result.js';
import { MAX_MONEY_MICRO } from '../units/index.js';
import { BLOCK_VERSION, type Block, type BlockHeader, computeTxRoot, encodeBlock, headerHash } from './block.js';
import type { BlockContext, StateContract } from './contract.js';
import type { ChainParams } from './params.js';
import { type LedgerState, type StateChanges, StateOverlay } from './state.js';
import {
  encodeTx,
  isMarketTx,
  MAX_TX_BYTES,
  type RewardTx,
  type Transaction,
  TX_VERSION,
  txHash,
  txSender,
  verifyTxSignature,
} from './tx.js';

export interface CheckOptions {
  /** The market's rules; without one, market transactions are rejected (`TX_KIND_UNSUPPORTED`). */
  readonly contract?: StateContract | undefined;
  /**
   * Skip Ed25519 verification because the caller verified the signatures already (the parallel verifier in
   * `chain/`, or the mempool at admission).
   */
  readonly signaturesVerified?: boolean;
}

/** Context-free transaction rules: they hold or fail regardless of chain state. */
export function checkTx(tx: Transaction, params: ChainParams, options: CheckOptions = {}): ValidationResult {
  // [REJECT] one encoding version per network.
  if (tx.version !== TX_VERSION) return invalid('TX_BAD_VERSION', `version is ${tx.version}; expected ${TX_VERSION}`);
  // [REJECT] the chain id is signed, so a transaction from another network cannot be replayed here.
  if (tx.chainId !== params.chainId) {
    return invalid('TX_WRONG_CHAIN', `chainId is ${tx.chainId}; this network is ${params.chainId}`);
  }
  const sizeBytes = encodeTx(tx).length;
  if (sizeBytes > MAX_TX_BYTES)
    return invalid('TX_TOO_LARGE', `transaction is ${sizeBytes} bytes; limit ${MAX_TX_BYTES}`);
  if (tx.kind === 'reward') return VALID;
  if (isMarketTx(tx)) {
    if (!options.contract) return invalid('TX_KIND_UNSUPPORTED', `${tx.kind} transactions need the market contract`);
    const rules = options.contract.checkTx(tx);
    if (!rules.ok) return rules;
  } else if (tx.amountMicro === 0n && tx.energyWh === 0) {
    // [REJECT] a transfer must move coins or record energy; an empty one would only bump a nonce.
    return invalid('TX_ZERO_VALUE', 'amountMicro and energyWh are both 0');
  }
  // [REJECT] seed 003 Fig. 4: the signature must verify with the sender's public key.
  if (!options.signaturesVerified && !verifyTxSignature(tx)) {
    return invalid('TX_BAD_SIGNATURE', 'signature does not verify with senderPublicKey');
  }
  return VALID;
}

/** Context-free block rules (sizes, reward position, Merkle root, duplicates, every transaction). */
export function checkBlock(block: Block, params: ChainParams, options: CheckOptions = {}): ValidationResult {
  const { header, txs } = block;
  const where = { blockHeight: header.height, blockHash: toHex(headerHash(header)) };
  const fail = (failure: ValidationFailure) => locate(failure, where);
  if (header.version !== BLOCK_VERSION) {
    return fail(invalid('BLOCK_BAD_VERSION', `version is ${header.version}; expected ${BLOCK_VERSION}`));
  }
  if (txs.length > params.maxBlockTxs) {
    return fail(invalid('BLOCK_TOO_MANY_TXS', `${txs.length} transactions; limit ${params.maxBlockTxs}`));
  }
  const sizeBytes = encodeBlock(block).length;
  if (sizeBytes > params.maxBlockBytes) {
    return fail(invalid('BLOCK_TOO_LARGE', `block is ${sizeBytes} bytes; limit ${params.maxBlockBytes}`));
  }
  // [REJECT] seed 000 Fig. A10: every block opens with exactly one reward transaction to its miner.
  if (header.height > 0) {
    if (txs[0]?.kind !== 'reward') return fail(invalid('BLOCK_NO_REWARD', 'first transaction is not the reward'));
  }
  // [REJECT] seed 000 Fig. 1: the header commits to the Merkle root of the transactions.
  if (!bytesEqual(computeTxRoot(txs), header.txRoot)) {
    return fail(invalid('BLOCK_BAD_TX_ROOT', 'txRoot does not match the Merkle root of the transactions'));
  }
  const seen = new Set<string>();
  for (let i = 0; i < txs.length; i++) {
    const tx = txs[i]!;
    const id = toHex(txHash(tx));
    const at = { txIndex: i, txHash: id };
    if (seen.has(id)) return fail(locate(invalid('BLOCK_DUPLICATE_TX', 'transaction appears twice'), at));
    seen.add(id);
    if (tx.kind === 'reward' && i !== 0) {
      return fail(locate(invalid('BLOCK_MULTIPLE_REWARDS', 'a reward may only be the first transaction'), at));
    }
    const result = checkTx(tx, params, options);
    if (!result.ok) return fail(locate(result, at));
  }
  return VALID;
}

/** Median of timestamps (upper median for an even count, as Bitcoin's GetMedianTimePast). */
export function medianTimestampMs(timestampsMs: readonly number[]): number {
  const sorted = [...timestampsMs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Rules linking a header to its parent: height, previous hash, and time.
 * @param recentTimestampsMs timestamps of up to `params.medianTimeSpan` blocks ending at the parent.
 * @param nowMs the validating node's clock (injected; validation never reads the clock itself).
 */
export function checkHeaderContext(
  header: BlockHeader,
  parent: BlockHeader,
  recentTimestampsMs: readonly number[],
  nowMs: number,
  params: ChainParams,
): ValidationResult {
  const where = { blockHeight: header.height, blockHash: toHex(headerHash(header)) };
  // [REJECT] seed 000 §2.2: each block holds the hash of the previous block header.
  if (!bytesEqual(header.prevHash, headerHash(parent))) {
    return locate(invalid('BLOCK_BAD_PREV_HASH', 'prevHash is not the hash of the previous block'), where);
  }
  if (header.height !== parent.height + 1) {
    return locate(invalid('BLOCK_BAD_HEIGHT', `height is ${header.height}; expected ${parent.height + 1}`), where);
  }
  // [REJECT] time moves forward: later than the median of recent blocks, so one miner's clock cannot rewind it.
  const medianMs = medianTimestampMs(recentTimestampsMs.length > 0 ? recentTimestampsMs : [parent.timestampMs]);
  if (header.timestampMs <= medianMs) {
    return locate(
      invalid(
        'BLOCK_TIME_TOO_OLD',
        `timestampMs ${header.timestampMs} is not after the median of recent blocks ${medianMs}`,
      ),
      where,
    );
  }
  // [REJECT] and not too far ahead of this node's clock.
  if (header.timestampMs > nowMs + params.maxFutureDriftMs) {
    return locate(
      invalid(
        'BLOCK_TIME_TOO_NEW',
        `timestampMs ${header.timestampMs} is more than ${params.maxFutureDriftMs} ms ahead of ${nowMs}`,
      ),
      where,
    );
  }
  return VALID;
}

/**
 * Applies one non-reward transaction to `overlay` (in a child overlay, merged only on success): the nonce and the
 * fee here, a transfer's coins here, a market transaction's rules in `contract`.
 * @param block the block the transaction goes into (its height and timestamp).
 * @returns the fee the transaction pays, or the rule it breaks.
 */
export function applyTx(
  overlay: StateOverlay,
  tx: Transaction,
  block: BlockContext,
  params: ChainParams,
  contract?: StateContract,
): { ok: true; feeMicro: bigint } | ValidationFailure {
  if (tx.kind === 'reward') return invalid('TX_UNEXPECTED_REWARD', 'a reward cannot be applied as a transaction');
  const blockTimestampMs = block.timestampMs;
  // [REJECT] a transaction cannot be dated after the block that includes it (beyond the allowed drift).
  if (tx.timestampMs > blockTimestampMs + params.maxFutureDriftMs) {
    return invalid('TX_FUTURE_TIMESTAMP', `timestampMs ${tx.timestampMs} is after its block (${blockTimestampMs})`);
  }
  const sender = txSender(tx)!;
  const child = overlay.child();
  const from = child.account(sender);
  // [REJECT] the nonce must be exactly the account's next one: no replay, no gaps (seed 000 §2.4 nonce).
  if (tx.nonce < from.nonce) return invalid('TX_NONCE_TOO_LOW', `nonce ${tx.nonce}; account expects ${from.nonce}`);
  if (tx.nonce > from.nonce) return invalid('TX_NONCE_TOO_HIGH', `nonce ${tx.nonce}; account expects ${from.nonce}`);
  if (isMarketTx(tx)) {
    if (!contract) return invalid('TX_KIND_UNSUPPORTED', `${tx.kind} transactions need the market contract`);
    // [REJECT] the fee comes first; the contract then sees the balance that is left.
    if (tx.feeMicro > from.balanceMicro) {
      return invalid(
        'TX_INSUFFICIENT_BALANCE',
        `fee ${tx.feeMicro} micro exceeds the sender's balance ${from.balanceMicro} micro`,
      );
    }
    child.setAccount(sender, { balanceMicro: from.balanceMicro - tx.feeMicro, nonce: from.nonce + 1 });
    const result = contract.applyTx(child, tx, { ...block, txHash: txHash(tx), sender });
    if (!result.ok) return result;
    child.mergeInto(overlay);
    return { ok: true, feeMicro: tx.feeMicro };
  }
  const debitMicro = tx.amountMicro + tx.feeMicro;
  // [REJECT] the sender pays amount and fee from its balance.
  if (debitMicro > from.balanceMicro) {
    return invalid(
      'TX_INSUFFICIENT_BALANCE',
      `amount + fee = ${debitMicro} micro exceeds the sender's balance ${from.balanceMicro} micro`,
    );
  }
  child.setAccount(sender, { balanceMicro: from.balanceMicro - debitMicro, nonce: from.nonce + 1 });
  const to = child.account(tx.to);
  if (to.balanceMicro + tx.amountMicro > MAX_MONEY_MICRO) {
    return invalid('TX_BALANCE_OVERFLOW', 'the receiver balance would exceed the money range');
  }
  child.setAccount(tx.to, { balanceMicro: to.balanceMicro + tx.amountMicro, nonce: to.nonce });
  child.mergeInto(overlay);
  return { ok: true, feeMicro: tx.feeMicro };
}

export interface AppliedBlock {
  readonly ok: true;
  readonly state: LedgerState;
  /** What the block wrote; `undo` restores the parent state. */
  readonly changes: StateChanges;
  readonly undo: StateChanges;
  readonly feesMicro: bigint;
}

function checkReward(reward: RewardTx, header: BlockHeader, feesMicro: bigint, params: ChainParams): ValidationResult {
  if (reward.to !== header.miner)
    return invalid('BLOCK_BAD_REWARD', `reward goes to ${reward.to}, not the miner ${header.miner}`);
  // The reward's nonce is the block height, so rewards of different blocks never share a transaction id.
  if (reward.nonce !== header.height)
    return invalid('BLOCK_BAD_REWARD', `reward nonce ${reward.nonce} is not the height`);
  if (reward.timestampMs !== header.timestampMs) {
    return invalid('BLOCK_BAD_REWARD', 'reward timestamp differs from the block timestamp');
  }
  if (reward.feeMicro !== 0n) return invalid('BLOCK_BAD_REWARD', 'a reward pays no fee');
  // A reward has no sender: its key and signature fields are zero, so a miner cannot hide data in them.
  if (reward.senderPublicKey.some((byte) => byte !== 0) || reward.signature.some((byte) => byte !== 0)) {
    return invalid('BLOCK_BAD_REWARD', 'a reward carries a zero sender key and a zero signature');
  }
  const expectedMicro = params.blockRewardMicro + feesMicro;
  // [REJECT] seed 000 Fig. A10: the miner earns the block reward, plus (our rule) the fees of the block.
  if (reward.amountMicro !== expectedMicro) {
    return invalid(
      'BLOCK_BAD_REWARD',
      `reward is ${reward.amountMicro} micro; block reward + fees = ${expectedMicro} micro`,
    );
  }
  return VALID;
}

/**
 * The state transition of a whole block: every transaction in order, then the reward and the new supply.
 * Does not compare the state root (block templates use this to compute it); {@link applyBlock} does.
 * Assumes {@link checkBlock} passed.
 */
export function executeBlock(
  state: LedgerState,
  block: Block,
  params: ChainParams,
  contract?: StateContract,
): AppliedBlock | ValidationFailure {
  const { header, txs } = block;
  const where = { blockHeight: header.height, blockHash: toHex(headerHash(header)) };
  const overlay = new StateOverlay(state);
  const context: BlockContext = { height: header.height, timestampMs: header.timestampMs };
  // Seed 000 §5 guideline 3: slots whose gate closure the block passes are cleared before its transactions.
  if (contract) {
    const begun = contract.beginBlock(overlay, context);
    if (!begun.ok) return locate(begun, where);
  }
  let feesMicro = 0n;
  for (let i = 1; i < txs.length; i++) {
    const tx = txs[i]!;
    const result = applyTx(overlay, tx, context, params, contract);
    if (!result.ok) return locate(result, { ...where, txIndex: i, txHash: toHex(txHash(tx)) });
    feesMicro += result.feeMicro;
  }
  const reward = txs[0];
  if (reward?.kind !== 'reward')
    return locate(invalid('BLOCK_NO_REWARD', 'first transaction is not the reward'), where);
  const rewardCheck = checkReward(reward, header, feesMicro, params);
  if (!rewardCheck.ok) return locate(rewardCheck, { ...where, txIndex: 0 });
  const miner = overlay.account(header.miner);
  if (miner.balanceMicro + reward.amountMicro > MAX_MONEY_MICRO) {
    return locate(invalid('BLOCK_BAD_REWARD', 'reward would overflow the miner balance'), where);
  }
  overlay.setAccount(header.miner, { balanceMicro: miner.balanceMicro + reward.amountMicro, nonce: miner.nonce });
  const supplyMicro = overlay.supplyMicro() + params.blockRewardMicro;
  if (supplyMicro > MAX_MONEY_MICRO) return locate(invalid('BLOCK_BAD_REWARD', 'total supply would overflow'), where);
  overlay.setSupplyMicro(supplyMicro);
  const changes = overlay.changes();
  return { ok: true, state: state.apply(changes), changes, undo: state.undoFor(changes), feesMicro };
}

/** {@link executeBlock}, then the state root the miner committed to must be the one every node computes. */
export function applyBlock(
  state: LedgerState,
  block: Block,
  params: ChainParams,
  contract?: StateContract,
): AppliedBlock | ValidationFailure {
  const executed = executeBlock(state, block, params, contract);
  if (!executed.ok) return executed;
  // [REJECT] every node re-executes the block and must reach the state root its miner committed to.
  if (!bytesEqual(executed.state.root(), block.header.stateRoot)) {
    return locate(invalid('BLOCK_BAD_STATE_ROOT', 'stateRoot does not match the state after applying the block'), {
      blockHeight: block.header.height,
      blockHash: toHex(headerHash(block.header)),
    });
  }
  return executed;
}
