/** Display formatting (pure). */
import { microToCoins } from './tx.js';

export function shortHash(hash: string | null | undefined, chars = 10): string {
  if (hash === null || hash === undefined || hash === '') return '—';
  return hash.length <= chars + 2 ? hash : `${hash.slice(0, chars)}…`;
}

export function shortAddress(address: string | null | undefined): string {
  if (address === null || address === undefined) return '—';
  return address.length > 14 ? `${address.slice(0, 8)}…${address.slice(-4)}` : address;
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return new Date(ms).toLocaleString(undefined, { hour12: false });
}

export function formatClock(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false });
}

export function formatWh(wh: number | null | undefined): string {
  if (wh === null || wh === undefined) return '—';
  if (Math.abs(wh) >= 10_000) return `${(wh / 1000).toLocaleString(undefined, { maximumFractionDigits: 1 })} kWh`;
  return `${wh.toLocaleString()} Wh`;
}

/** µcoin (string/bigint/number) → "1.25" coins. */
export function coins(micro: string | number | bigint | null | undefined): string {
  if (micro === null || micro === undefined || micro === '') return '—';
  try {
    return microToCoins(typeof micro === 'number' ? BigInt(Math.round(micro)) : micro);
  } catch {
    return String(micro);
  }
}

/** µcoin per kWh → "0.25 /kWh". */
export function pricePerKwh(micro: string | number | bigint | null | undefined): string {
  if (micro === null || micro === undefined) return '—';
  return `${coins(micro)} /kWh`;
}

/** A payload's fields as short `key=value` text. */
export function payloadSummary(payload: Record<string, unknown> | undefined): string {
  if (payload === undefined) return '';
  return Object.entries(payload)
    .filter(([key]) => key !== 'gridPrices')
    .map(([key, value]) => {
      let text = typeof value === 'string' ? value : JSON.stringify(value);
      if (typeof value === 'string' && /^(gp)?[0-9a-f]{40,}$/.test(value)) text = shortHash(value, 12);
      if (key.endsWith('MicroPerKwh') && typeof value === 'string') text = pricePerKwh(value);
      return `${key}=${text}`;
    })
    .concat(Array.isArray(payload['gridPrices']) ? [`gridPrices=${(payload['gridPrices'] as unknown[]).length}`] : [])
    .join(', ');
}
