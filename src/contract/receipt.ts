/**
 * @module contract/receipt
 * Trade receipts (MISSION K13; seed 002 §4 payment receipts): a self-contained document showing that a trade was
 * settled on the chain, checkable offline by anyone. A trade is a record of the market contract's state
 * (`mkt/trade/<slot>/<index>`), and every block header commits to the state root, so the receipt carries:
 *  - the trade record's canonical bytes (and its decoded view, which the verifier re-derives from the bytes);
 *  - the Merkle path from that state entry to the header's `stateRoot`;
 *  - the header itself, whose hash must meet its own proof-of-work target.
 * A verifier that trusts a block hash (its own node's, an explorer's) compares it with `blockHash`; the receipt
 * itself shows the trade is part of the state that block commits to. Trade records never change once written,
 * so a receipt can be made against any block from the one that settled the trade on; it is made against the head.
 */
import { bitsToTarget, hashMeetsTarget } from '../consensus/pow/target.js';
import { fromHex, toHex } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { invalid, type ValidationFailure } from '../errors/result.js';
import { type BlockHeader, type HeaderJson, headerFromJSON, headerHash, headerToJSON } from '../ledger/block.js';
import { verifyMerkleProof } from '../ledger/merkle.js';
import { type LedgerState, stateEntryLeaf } from '../ledger/state.js';
import { type TradeView, tradeKey, tradeToJSON } from './read.js';
import { decodeTrade } from './records.js';

export const RECEIPT_FORMAT = 'gridpeer-receipt/1';

export interface ReceiptJson {
  format: typeof RECEIPT_FORMAT;
  tradeId: string;
  /** The trade as the contract recorded it (informational: the verifier decodes `stateValue` itself). */
  trade: ReturnType<typeof tradeToJSON>;
  network: { name: string; chainId: number; genesisHash: string };
  stateKey: string;
  /** Canonical bytes of the trade record, hex. */
  stateValue: string;
  blockHash: string;
  header: HeaderJson;
  /** Position of the entry among the state's keys, and the path up to `header.stateRoot`. */
  leafIndex: number;
  path: Array<{ sibling: string; siblingOnLeft: boolean }>;
}

/**
 * The receipt of trade `tradeId` (`<slot>-<index>`) against a block: `state` must be the state after `header`
 * (a node passes its head).
 * @throws GridPeerError NOT_FOUND when there is no such trade.
 */
export function buildReceipt(
  state: LedgerState,
  header: BlockHeader,
  network: ReceiptJson['network'],
  tradeId: string,
): ReceiptJson {
  const key = tradeKey(tradeId);
  const value = key === undefined ? undefined : state.get(key);
  const proof = key === undefined ? null : state.proofOf(key);
  if (key === undefined || value === undefined || proof === null) {
    throw new GridPeerError('NOT_FOUND', `no trade ${tradeId} (ids are "<slot>-<index>", see /v1/trades)`, {
      field: 'tradeId',
    });
  }
  const record = decodeTrade(value);
  return {
    format: RECEIPT_FORMAT,
    tradeId,
    trade: tradeToJSON({ ...record, id: tradeId } as TradeView),
    network,
    stateKey: key,
    stateValue: toHex(value),
    blockHash: toHex(headerHash(header)),
    header: headerToJSON(header),
    leafIndex: proof.index,
    path: proof.proof.map((step) => ({ sibling: toHex(step.sibling), siblingOnLeft: step.siblingOnLeft })),
  };
}

export interface VerifiedReceipt {
  readonly ok: true;
  readonly tradeId: string;
  readonly blockHeight: number;
  readonly blockHash: string;
  readonly seller: string;
  readonly buyer: string;
  readonly energyWh: number;
  readonly priceMicroPerKwh: bigint;
  readonly amountMicro: bigint;
}

/**
 * Checks a receipt offline: the header hashes to `blockHash` and meets its proof-of-work target, the state key is
 * the trade's, the recorded trade decodes from the bytes and matches the readable copy, and the Merkle path leads
 * from the entry to the header's state root. Never throws on bad input.
 */
export function verifyReceipt(value: unknown): VerifiedReceipt | ValidationFailure {
  try {
    const json = value as ReceiptJson;
    if (json?.format !== RECEIPT_FORMAT) return invalid('RECEIPT_BAD_FORMAT', `format must be "${RECEIPT_FORMAT}"`);
    const header = headerFromJSON(json.header);
    const hash = headerHash(header);
    if (toHex(hash) !== json.blockHash) return invalid('RECEIPT_BAD_HEADER', 'the header does not hash to blockHash');
    // Seed 000 §2.2: a sealed header's hash is below the target its bits state.
    if (!hashMeetsTarget(hash, bitsToTarget(header.bits))) {
      return invalid('RECEIPT_BAD_SEAL', 'the header hash does not meet its proof-of-work target');
    }
    if (typeof json.tradeId !== 'string' || tradeKey(json.tradeId) !== json.stateKey) {
      return invalid('RECEIPT_BAD_KEY', `stateKey is not the state key of trade ${String(json.tradeId)}`);
    }
    const bytes = fromHex(json.stateValue, 'stateValue');
    const trade = decodeTrade(bytes);
    const readable = tradeToJSON({ ...trade, id: json.tradeId } as TradeView);
    if (JSON.stringify(readable) !== JSON.stringify(json.trade)) {
      return invalid('RECEIPT_TRADE_MISMATCH', 'the readable trade differs from the recorded bytes');
    }
    if (!Array.isArray(json.path)) return invalid('RECEIPT_BAD_FORMAT', 'path must be an array');
    const path = json.path.map((step, i) => ({
      sibling: fromHex(step?.sibling, `path[${i}].sibling`, 32),
      siblingOnLeft: step?.siblingOnLeft === true,
    }));
    if (!verifyMerkleProof(stateEntryLeaf(json.stateKey, bytes), path, header.stateRoot)) {
      return invalid('RECEIPT_BAD_PATH', "the Merkle path does not lead from the trade to the header's state root");
    }
    return {
      ok: true,
      tradeId: json.tradeId,
      blockHeight: header.height,
      blockHash: json.blockHash,
      seller: trade.seller,
      buyer: trade.buyer,
      energyWh: trade.energyWh,
      priceMicroPerKwh: trade.priceMicroPerKwh,
      amountMicro: trade.amountMicro,
    };
  } catch (error) {
    if (error instanceof GridPeerError) return invalid('RECEIPT_BAD_FORMAT', error.message);
    throw error;
  }
}
