// The README's library example, run by test/unit/examples.test.ts so it stays true.
import {
  Chain,
  coinsToMicro,
  createConsensus,
  createTransfer,
  devGenesisJson,
  generateKeyPair,
  MemoryChainStore,
  Miner,
  parseGenesisConfig,
} from '../src/index.js';

export async function runLibraryExample(): Promise<{ added: unknown; bobBalanceMicro: bigint }> {
  const alice = generateKeyPair();
  const bob = generateKeyPair();
  const genesis = parseGenesisConfig(devGenesisJson([{ address: alice.address, balanceMicro: coinsToMicro(10) }]));
  const chain = await Chain.open({ store: new MemoryChainStore(), genesis, createConsensus });

  const added = chain.addTransaction(
    createTransfer(
      {
        chainId: chain.params.chainId,
        to: bob.address,
        amountMicro: 1_500_000n,
        energyWh: 7500,
        nonce: 0,
        timestampMs: Date.now(),
      },
      alice,
    ),
  ); // → { ok: true, hash, expectedHeight: 1 }
  await new Miner(chain, bob.address).mineBlocks(1);
  const bobBalanceMicro = chain.state.account(bob.address).balanceMicro; // 2_500_000n: the payment + the block reward
  await chain.close();
  return { added, bobBalanceMicro };
}
