// Fake-ip address ranges: CIDR parsing and offset <-> address arithmetic for
// IPv4 and IPv6 (BigInt). The usable addresses of a range exclude the network
// address, the last address (IPv4 broadcast; skipped in IPv6 too, for
// symmetry) and the gateway: the address written in the CIDR when it is a
// host address (`198.18.0.1/16` -> 198.18.0.1), else network + 1.
import { isIP } from 'node:net';
import { SyError } from '../core/errors.js';
import { normalizeIp } from '../core/address.js';

export interface IpRange {
  readonly family: 4 | 6;
  readonly cidr: string;
  readonly network: bigint;
  readonly last: bigint;
  readonly gateway: bigint;
  /** Usable addresses, capped at the pool's maximum size. */
  readonly capacity: number;
}

const BITS = { 4: 32, 6: 128 } as const;

export function ipToBigInt(ip: string): bigint | undefined {
  const fam = isIP(ip);
  if (fam === 4) {
    return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  }
  if (fam !== 6) return undefined;
  let s = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = ipToBigInt(v4[1]!)!;
    s = s.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function bigIntToIp(n: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => Number((n >> s) & 255n)).join('.');
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (>= 2) of zero groups.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Parses a fake-ip CIDR for `family`; throws SY_ERR_DNS_BAD_RANGE. */
export function parseRange(cidr: string, family: 4 | 6, maxSize: number, where: string): IpRange {
  const bad = (detail: string) => new SyError('SY_ERR_DNS_BAD_RANGE', { where, value: cidr, detail, expected: family === 4 ? 'an IPv4 CIDR such as 198.18.0.1/16' : 'an IPv6 CIDR such as fdfe:dcba:9876::1/64' });
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m) throw bad('not a CIDR');
  const addr = normalizeIp(m[1]!);
  const bits = BITS[family];
  const prefix = Number(m[2]);
  if (!addr || isIP(addr) !== family) throw bad(`not an IPv${family} address`);
  if (prefix > bits) throw bad('prefix too long');
  const host = BigInt(bits - prefix);
  const ip = ipToBigInt(addr)!;
  const network = (ip >> host) << host;
  const last = network | ((1n << host) - 1n);
  const gateway = ip !== network && ip !== last ? ip : network + 1n;
  const usable = last - network - 2n; // network, last, gateway excluded
  if (usable < 1n) throw bad('the range has no usable addresses (needs at most /30 for IPv4, /126 for IPv6)');
  const capacity = Number(usable < BigInt(maxSize) ? usable : BigInt(maxSize));
  return { family, cidr: cidr.trim(), network, last, gateway, capacity };
}

/** The address at `offset` (0 <= offset < capacity), skipping the gateway. */
export function addressAt(r: IpRange, offset: number): bigint {
  const a = r.network + 1n + BigInt(offset);
  return a >= r.gateway ? a + 1n : a;
}

/** The offset of `addr`, or -1 when it is not one of the pool's usable addresses. */
export function offsetOf(r: IpRange, addr: bigint): number {
  if (addr <= r.network || addr >= r.last || addr === r.gateway) return -1;
  const off = Number(addr - r.network - 1n - (addr > r.gateway ? 1n : 0n));
  return off < r.capacity ? off : -1;
}

export function inRange(r: IpRange, addr: bigint): boolean {
  return addr >= r.network && addr <= r.last;
}
