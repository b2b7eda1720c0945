// CIDR lists for nftables interval sets: canonical network addresses, one
// family per list, entries contained in another entry dropped (nft refuses
// overlapping intervals in one set). Pure.
import { isIP } from 'node:net';

interface Prefix {
  family: 4 | 6;
  start: bigint;
  bits: number;
}

/** Parses `ip` or `ip/bits`; null when malformed. Host bits are cleared. */
export function parsePrefix(s: string): Prefix | null {
  const [ip = '', len, extra] = s.trim().split('/');
  if (extra !== undefined) return null;
  const family = isIP(ip);
  if (family === 0) return null;
  const width = family === 4 ? 32 : 128;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return null;
  const bits = len === undefined ? width : Number(len);
  if (bits > width) return null;
  const value = family === 4 ? v4ToBig(ip) : v6ToBig(ip);
  const hostMask = (1n << BigInt(width - bits)) - 1n;
  return { family: family as 4 | 6, start: value & ~hostMask, bits };
}

/** Canonical `net/bits` strings of one family, sorted, without contained duplicates. */
export function normalizeCidrs(list: readonly string[], family: 4 | 6): string[] {
  const width = family === 4 ? 32 : 128;
  const prefixes = list
    .map(parsePrefix)
    .filter((p): p is Prefix => p !== null && p.family === family)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.bits - b.bits));
  const out: Prefix[] = [];
  for (const p of prefixes) {
    const last = out[out.length - 1];
    if (last) {
      const lastEnd = last.start + (1n << BigInt(width - last.bits)) - 1n;
      if (p.start <= lastEnd) continue; // CIDRs nest or are disjoint: contained
    }
    out.push(p);
  }
  return out.map((p) => `${family === 4 ? bigToV4(p.start) : bigToV6(p.start)}/${p.bits}`);
}

function v4ToBig(ip: string): bigint {
  return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function v6ToBig(ip: string): bigint {
  let s = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4 && v4[1]) {
    const n = v4ToBig(v4[1]);
    s = s.slice(0, -v4[1].length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function bigToV4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => Number((n >> s) & 255n)).join('.');
}

/** RFC 5952 text: lower-case, the longest run (≥ 2) of zero groups as `::`. */
function bigToV6(n: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
