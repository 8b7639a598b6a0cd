/**
 * @module market/registry
 * Every slot mechanism by name: what `gridpeer market clear --mechanism <name>` and `market compare` use, and
 * what the node and the simulator will look mechanisms up in. Wrappers (trust gating, capacity limits) apply to
 * any of them.
 */
import { GridPeerError } from '../errors/index.js';
import { bilateral } from './mechanisms/bilateral.js';
import { billSharing } from './mechanisms/billSharing.js';
import { continuousAuction } from './mechanisms/continuousAuction.js';
import { dualLevel } from './mechanisms/dualLevel.js';
import { fixedPrice } from './mechanisms/fixedPrice.js';
import { gridOnly } from './mechanisms/gridFallback.js';
import { mcafee } from './mechanisms/mcafee.js';
import { mmr } from './mechanisms/mmr.js';
import { payAsBid } from './mechanisms/payAsBid.js';
import { sdr } from './mechanisms/sdr.js';
import { uniformAuction } from './mechanisms/uniformAuction.js';
import type { ClearingMechanism } from './types.js';

/** In comparison-table order: the baseline, the pools, then the auctions and bilateral matching. */
export const MECHANISMS: readonly ClearingMechanism[] = [
  gridOnly,
  fixedPrice,
  sdr,
  mmr,
  billSharing,
  dualLevel,
  uniformAuction,
  payAsBid,
  mcafee,
  continuousAuction,
  bilateral,
] as ClearingMechanism[];

export function mechanismNames(): string[] {
  return MECHANISMS.map((mechanism) => mechanism.name);
}

/** @throws GridPeerError INVALID_ARGUMENT listing the known names. */
export function getMechanism(name: string, field = 'mechanism'): ClearingMechanism {
  const found = MECHANISMS.find((mechanism) => mechanism.name === name);
  if (!found) {
    throw new GridPeerError('INVALID_ARGUMENT', `${field} must be one of: ${mechanismNames().join(', ')}`, {
      field,
      value: name,
    });
  }
  return found;
}
