/**
 * The `gridpeer` library: the ledger, consensus engines, chain and stores, for programs that embed GridPeer.
 */

export * from './api/app.js';
export type { ApiContext } from './api/context.js';
export * from './chain/chain.js';
export * from './chain/chainFile.js';
export * from './chain/devAccounts.js';
export * from './chain/genesis.js';
export * from './chain/mempool.js';
export * from './chain/miner.js';
export * from './chain/store.js';
export * from './chain/txProof.js';
export * from './chain/verifier.js';
export * from './chain/verifyChain.js';
export * from './consensus/create.js';
export * from './consensus/index.js';
export * from './crypto/index.js';
export * from './errors/index.js';
export * from './errors/result.js';
export * from './ledger/block.js';
export * from './ledger/merkle.js';
export * from './ledger/params.js';
export * from './ledger/state.js';
export * from './ledger/tx.js';
export * from './ledger/validation.js';
export * from './network/network.js';
export * from './network/peerBook.js';
export * from './node/keyFile.js';
export * from './node/localChain.js';
export * from './node/localNetwork.js';
export * from './node/node.js';
export * from './store/level.js';
export * from './store/memory.js';
export * from './units/index.js';
export * from './units/time.js';
