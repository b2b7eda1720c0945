// Turns a raw host name from the wire into a SniffResult: normalised with
// core's normalizeHost; IP literals and names with characters no DNS name has
// are 'no' (sniffing exists to recover a *domain*).
import { isIP } from 'node:net';
import { normalizeHost } from '../core/address.js';
import type { SniffResult } from './types.js';

const MAX_NAME = 253;
/** Wire names are ASCII (A-labels): letters, digits, '-', '_', '.'. */
const NAME_CHARS = /^[A-Za-z0-9._-]+$/;

export function hostResult(raw: string): SniffResult {
  if (!raw || raw.length > MAX_NAME + 1 || !NAME_CHARS.test(raw)) return 'no';
  if (isIP(raw) !== 0) return 'no';
  const host = normalizeHost(raw);
  if (!host || host.length > MAX_NAME || isIP(host) !== 0) return 'no';
  if (host.startsWith('.') || host.includes('..')) return 'no';
  return { host };
}
