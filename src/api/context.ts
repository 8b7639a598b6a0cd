/**
 * What the HTTP API needs from a node. `node/` builds it; `api/` never imports `node/`.
 */
import type { Chain } from '../chain/chain.js';
import type { MinedBlock } from '../chain/miner.js';
import type { NetworkService } from '../network/network.js';
import type { Clock } from '../units/time.js';

export interface ApiContext {
  readonly chain: Chain;
  readonly network: NetworkService;
  readonly clock: Clock;
  /** This node's own URL (what peers call it). */
  readonly selfUrl: string;
  /** Dev network: named accounts are signed for by the node, admin routes are open. */
  readonly dev: boolean;
  /** Bearer token for admin routes; undefined disables them unless `dev`. */
  readonly adminToken: string | undefined;
  /** Whether this node mines by itself, and how. */
  readonly miningMode: 'off' | 'always' | 'pending';
  /** Mines one block on the current head now (the seeds' `mine_block`). */
  mineOne(): Promise<MinedBlock | null>;
  /** Address that receives this node's rewards. */
  readonly minerAddress: string;
  readonly version: string;
  /**
   * Folder of simulator reports (`gridpeer node --results`): each subfolder holding a `summary.json` is a run the
   * dashboard can show (`/v1/sim/runs`). Undefined: no runs.
   */
  readonly resultsDir?: string | undefined;
  /** Built dashboard (index.html and assets/); default `dist/dashboard/` of this package. */
  readonly dashboardDir?: string | undefined;
}
