/**
 * @module energy
 * The energy models (DESIGN.md §3 pure domain layer; MISSION E1, E2, E5, E7): PV from the sun's position, load
 * shapes and resampled series, the battery of seed 000 eqs. 5–8, grid tariffs, the cost equations of seed 000
 * eqs. 1, 3, 4 and price-based demand response (seed 004). No clock, no randomness unless injected, no I/O.
 */
export * from './battery.js';
export * from './demandResponse.js';
export * from './economics.js';
export * from './load.js';
export * from './solar.js';
export * from './tariff.js';
export type * from './types.js';
