/**
 * @module chain/txProof
 * Inclusion proofs (MISSION L1; seed 001 Fig. 3.3): a self-contained document showing that a transaction is
 * in a block. It carries the block header, so a verifier recomputes the block hash and compares it with the
 * chain it trusts, then folds the Merkle path up to the header's `txRoot`. No other block data is needed.
 */
import { fromHex, toHex } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { invalid, VALID, type ValidationResult } from '../errors/result.js';
import { type Block, type HeaderJson, headerFromJSON, headerHash, headerToJSON } from '../ledger/block.js';
import { merkleProof, verifyMerkleProof } from '../ledger/merkle.js';
import { txHash } from '../ledger/tx.js';

export const TX_PROOF_FORMAT = 'gridpeer-tx-proof/1';

export interface TxProofJson {
  format: typeof TX_PROOF_FORMAT;
  txHash: string;
  txIndex: number;
  blockHash: string;
  header: HeaderJson;
  path: Array<{ sibling: string; siblingOnLeft: boolean }>;
}

/** @throws GridPeerError TX_NOT_FOUND when `txHashHex` is not in `block`. */
export function buildTxProof(block: Block, txHashHex: string): TxProofJson {
  const ids = block.txs.map(txHash);
  const index = ids.findIndex((id) => toHex(id) === txHashHex);
  if (index < 0)
    throw new GridPeerError('TX_NOT_FOUND', `transaction ${txHashHex} is not in this block`, { txHash: txHashHex });
  return {
    format: TX_PROOF_FORMAT,
    txHash: txHashHex,
    txIndex: index,
    blockHash: toHex(headerHash(block.header)),
    header: headerToJSON(block.header),
    path: merkleProof(ids, index).map((step) => ({ sibling: toHex(step.sibling), siblingOnLeft: step.siblingOnLeft })),
  };
}

/**
 * Checks a proof document: the header hashes to `blockHash`, and the path leads from `txHash` to its txRoot.
 * Never throws on bad input.
 */
export function verifyTxProof(value: unknown): ValidationResult {
  try {
    const json = value as TxProofJson;
    if (json?.format !== TX_PROOF_FORMAT) return invalid('PROOF_BAD_FORMAT', `format must be "${TX_PROOF_FORMAT}"`);
    const header = headerFromJSON(json.header);
    if (toHex(headerHash(header)) !== json.blockHash) {
      return invalid('PROOF_BAD_HEADER', 'the header does not hash to blockHash');
    }
    if (!Array.isArray(json.path)) return invalid('PROOF_BAD_FORMAT', 'path must be an array');
    const path = json.path.map((step, i) => ({
      sibling: fromHex(step?.sibling, `path[${i}].sibling`, 32),
      siblingOnLeft: step?.siblingOnLeft === true,
    }));
    if (!verifyMerkleProof(fromHex(json.txHash, 'txHash', 32), path, header.txRoot)) {
      return invalid('PROOF_BAD_PATH', 'the Merkle path does not lead from txHash to the header txRoot');
    }
    return VALID;
  } catch (error) {
    if (error instanceof GridPeerError) return invalid('PROOF_BAD_FORMAT', error.message);
    throw error;
  }
}
