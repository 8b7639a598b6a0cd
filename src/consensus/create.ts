import { GridPeerError } from '../errors/index.js';
import type { Consensus } from './index.js';
import { PowConsensus, type PowConsensusOptions, parsePowParams } from './pow/index.js';

/** Engine-specific run-time options (threads etc.); not part of consensus. */
export interface ConsensusRuntimeOptions {
  readonly pow?: PowConsensusOptions;
}

/**
 * Builds the engine named by the genesis `consensus.engine` field.
 * @throws GridPeerError INVALID_CONFIG for an unknown engine or bad parameters.
 */
export function createConsensus(section: Record<string, unknown>, runtime: ConsensusRuntimeOptions = {}): Consensus {
  const engine = section['engine'] ?? 'pow';
  if (engine === 'pow') return new PowConsensus(parsePowParams(section), runtime.pow ?? {});
  throw new GridPeerError('INVALID_CONFIG', `consensus.engine "${String(engine)}" is not supported; use "pow"`, {
    field: 'consensus.engine',
  });
}
