// mihomo's IpCidrSet body: version 1, int64 BE range count, then per range
// 16-byte `from` and `to` (IPv4 as v4-mapped IPv6), sorted and merged.
// Ranges convert to and from the smallest list of CIDR prefixes.
import { isIPv4, isIPv6 } from 'node:net';
import { i64, Reader } from './reader.js';

export interface Range {
  readonly v4: boolean;
  readonly from: bigint;
  readonly to: bigint;
}

const MAPPED = 0xffffn << 32n;

function parseAddr(s: string): { v4: boolean; n: bigint } | null {
  if (isIPv4(s)) return { v4: true, n: s.split('.').reduce((a, o) => (a << 8n) | BigInt(Number(o)), 0n) };
  if (!isIPv6(s) || s.includes('%')) return null;
  let t = s;
  const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (m) {
    const v = parseAddr(m[2]!)!.n;
    t = `${m[1]}${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head, tail] = t.includes('::') ? t.split('::') : [t, undefined];
  const hs = head ? head.split(':') : [];
  const ts = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? hs : [...hs, ...Array(8 - hs.length - ts.length).fill('0'), ...ts];
  if (groups.length !== 8) return null;
  return { v4: false, n: groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/** "a/len" → range; null when malformed (a prefix length is required). */
export function prefixToRange(p: string): Range | null {
  const i = p.indexOf('/');
  if (i < 0) return null;
  const a = parseAddr(p.slice(0, i));
  const lenS = p.slice(i + 1);
  if (!a || !/^\d{1,3}$/.test(lenS)) return null;
  const bits = a.v4 ? 32 : 128;
  const len = Number(lenS);
  if (len > bits) return null;
  const host = (1n << BigInt(bits - len)) - 1n;
  return { v4: a.v4, from: a.n & ~host, to: (a.n & ~host) | host };
}

/** Sorted, merged ranges (v4 first). */
export function mergeRanges(rs: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const fam of [true, false]) {
    const s = rs.filter((r) => r.v4 === fam).sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    let cur: { from: bigint; to: bigint } | null = null;
    for (const r of s) {
      if (cur && r.from <= cur.to + 1n) {
        if (r.to > cur.to) cur.to = r.to;
      } else {
        if (cur) out.push({ v4: fam, ...cur });
        cur = { from: r.from, to: r.to };
      }
    }
    if (cur) out.push({ v4: fam, ...cur });
  }
  return out;
}

function fmt(v4: boolean, n: bigint): string {
  if (v4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
  const g = Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // compress the longest run of zero groups (RFC 5952)
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return g.join(':');
  return `${g.slice(0, best).join(':')}::${g.slice(best + bestLen).join(':')}`;
}

/** The smallest list of prefixes covering a range exactly. */
export function rangeToPrefixes(r: Range): string[] {
  const bits = r.v4 ? 32 : 128;
  const out: string[] = [];
  let from = r.from;
  for (let guard = 0; from <= r.to && guard < 300; guard++) {
    let size = 0;
    while (size < bits && (from & ((1n << BigInt(size + 1)) - 1n)) === 0n && from + (1n << BigInt(size + 1)) - 1n <= r.to) size++;
    out.push(`${fmt(r.v4, from)}/${bits - size}`);
    from += 1n << BigInt(size);
  }
  return out;
}

function put16(b: Buffer, off: number, v4: boolean, n: bigint): void {
  const v = v4 ? MAPPED | n : n;
  b.writeBigUInt64BE(v >> 64n, off);
  b.writeBigUInt64BE(v & 0xffffffffffffffffn, off + 8);
}

export function encodeIpBody(ranges: readonly Range[]): Buffer {
  const b = Buffer.alloc(ranges.length * 32);
  ranges.forEach((r, i) => {
    put16(b, i * 32, r.v4, r.from);
    put16(b, i * 32 + 16, r.v4, r.to);
  });
  return Buffer.concat([Buffer.from([1]), i64(ranges.length), b]);
}

function get16(r: Reader, what: string): { v4: boolean; n: bigint } {
  const b = Buffer.from(r.bytes(16, what));
  const v = (b.readBigUInt64BE(0) << 64n) | b.readBigUInt64BE(8);
  return v >> 32n === 0xffffn ? { v4: true, n: v & 0xffffffffn } : { v4: false, n: v };
}

export function decodeIpBody(r: Reader): Range[] {
  const version = r.u8('ipcidr set version');
  if (version !== 1) r.fail(`ipcidr set version ${version} (expected 1)`);
  const n = r.len('range count', Math.floor(r.left / 32));
  if (n < 1) r.fail('range count is invalid (0)');
  const out: Range[] = [];
  for (let i = 0; i < n; i++) {
    const a = get16(r, `range ${i} from`);
    const z = get16(r, `range ${i} to`);
    if (a.v4 !== z.v4 || a.n > z.n) r.fail(`range ${i} is not a valid range`);
    out.push({ v4: a.v4, from: a.n, to: z.n });
  }
  return out;
}
