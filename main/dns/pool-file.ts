// The fake-ip pool's file format and its validation. Pure: the pool does the
// I/O (atomic write: temp file + rename). Format, version 1:
//   { "version": 1, "range": "198.18.0.1/16", "range6": "",
//     "v4": [["host", "ip"], ...], "v6": [...] }   // least recently used first
// A structurally invalid file is rejected as a whole (the caller starts with
// an empty pool); single entries outside the current range (the range was
// changed) or duplicated are dropped with one warning.
import { SyError } from '../core/errors.js';
import { normalizeHost, normalizeIp, ipFamily } from '../core/address.js';

export const POOL_FILE_VERSION = 1;

export type Entries = readonly (readonly [string, string])[];

export interface PoolFileState {
  readonly range: string;
  readonly range6: string;
  readonly v4: Entries;
  readonly v6: Entries;
}

export function encodePoolFile(s: PoolFileState): string {
  return JSON.stringify({ version: POOL_FILE_VERSION, range: s.range, range6: s.range6, v4: s.v4, v6: s.v6 }) + '\n';
}

/** Parses and validates a pool file; throws SY_ERR_DNS_POOL_FILE with the location of the first problem. */
export function decodePoolFile(text: string, file: string): PoolFileState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SyError('SY_ERR_DNS_POOL_FILE', { where: `${file}:${jsonLocation(text, e)}`, detail: 'not valid JSON', cause: e });
  }
  const bad = (path: string, value: unknown, expected: string) =>
    new SyError('SY_ERR_DNS_POOL_FILE', { where: `${file} ${path}`, value, expected });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad('(top level)', data, 'a JSON object');
  const o = data as Record<string, unknown>;
  if (o.version !== POOL_FILE_VERSION) throw bad('version', o.version, String(POOL_FILE_VERSION));
  if (typeof o.range !== 'string') throw bad('range', o.range, 'a CIDR string');
  if (o.range6 !== undefined && typeof o.range6 !== 'string') throw bad('range6', o.range6, 'a CIDR string or ""');
  return { range: o.range, range6: (o.range6 as string | undefined) ?? '', v4: entries(o.v4, 'v4', 4, bad), v6: entries(o.v6 ?? [], 'v6', 6, bad) };
}

function entries(v: unknown, key: string, family: 4 | 6, bad: (p: string, v: unknown, e: string) => SyError): Entries {
  if (!Array.isArray(v)) throw bad(key, v, 'an array of [host, ip] pairs');
  return v.map((e: unknown, i: number): readonly [string, string] => {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string' || typeof e[1] !== 'string') throw bad(`${key}[${i}]`, e, '[host, ip]');
    const host = normalizeHost(e[0]);
    const ip = normalizeIp(e[1]);
    if (!host) throw bad(`${key}[${i}][0]`, e[0], 'a domain name');
    if (!ip || ipFamily(ip) !== family) throw bad(`${key}[${i}][1]`, e[1], `an IPv${family} address`);
    return [host, ip];
  });
}

/** `line:col` of a JSON.parse error when the engine reports a position, else `1:1`. */
function jsonLocation(text: string, e: unknown): string {
  const m = /position (\d+)/.exec(e instanceof Error ? e.message : '');
  const pos = m ? Math.min(Number(m[1]), text.length) : 0;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return `${line}:${pos - before.lastIndexOf('\n')}`;
}
