// SOCKS5 address codec (RFC 1928: ATYP 1 IPv4, 3 domain name, 4 IPv6), a pure
// value codec shared by the mixed inbound and the SOCKS5 outbound.
import { isIPv4, isIPv6 } from 'node:net';
import { normalizeIp } from './address.js';

/** ATYP + address bytes (no port); null when a name exceeds 255 bytes or is empty. */
export function writeSocksAddress(host: string): Buffer | null {
  const ip = normalizeIp(host);
  if (isIPv4(ip)) return Buffer.from([1, ...ip.split('.').map(Number)]);
  if (isIPv6(ip)) return Buffer.concat([Buffer.from([4]), ipv6Bytes(ip)]);
  const name = Buffer.from(host, 'utf8');
  if (name.length === 0 || name.length > 255) return null;
  return Buffer.concat([Buffer.from([3, name.length]), name]);
}

/** ATYP + address + port. */
export function writeSocksAddressPort(host: string, port: number): Buffer | null {
  const a = writeSocksAddress(host);
  if (!a) return null;
  const p = Buffer.alloc(2);
  p.writeUInt16BE(port & 0xffff);
  return Buffer.concat([a, p]);
}

export type SocksAddress = { host: string; port: number; atyp: 1 | 3 | 4; end: number };

/**
 * Reads ATYP + address + port starting at `off`. 'short' when more bytes are
 * needed, 'bad' for an unknown ATYP or an empty name.
 */
export function readSocksAddress(b: Buffer, off: number): SocksAddress | 'short' | 'bad' {
  if (b.length < off + 1) return 'short';
  const atyp = b[off];
  if (atyp === 1) {
    if (b.length < off + 7) return 'short';
    return { atyp, host: `${b[off + 1]}.${b[off + 2]}.${b[off + 3]}.${b[off + 4]}`, port: b.readUInt16BE(off + 5), end: off + 7 };
  }
  if (atyp === 4) {
    if (b.length < off + 19) return 'short';
    return { atyp, host: ipv6String(b.subarray(off + 1, off + 17)), port: b.readUInt16BE(off + 17), end: off + 19 };
  }
  if (atyp === 3) {
    if (b.length < off + 2) return 'short';
    const len = b[off + 1] ?? 0;
    if (len === 0) return 'bad';
    if (b.length < off + 2 + len + 2) return 'short';
    // UTF-8: clients may send IDN names unencoded (the inbound converts them to punycode)
    return { atyp, host: b.toString('utf8', off + 2, off + 2 + len), port: b.readUInt16BE(off + 2 + len), end: off + 4 + len };
  }
  return 'bad';
}

function ipv6Bytes(ip: string): Buffer {
  const out = Buffer.alloc(16);
  let s = ip;
  // embedded IPv4 tail (::ffff:1.2.3.4 forms that normalizeIp left as v6)
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4 && v4[1]) {
    const [a, b, c, d] = v4[1].split('.').map(Number) as [number, number, number, number];
    s = s.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

function ipv6String(b: Buffer): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(b.readUInt16BE(i).toString(16));
  return normalizeIp(compress(parts));
}

function compress(parts: string[]): string {
  // longest run of zero groups -> '::'
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (parts[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return parts.join(':');
  return `${parts.slice(0, best).join(':')}::${parts.slice(best + bestLen).join(':')}`;
}

/** Encapsulates one UDP datagram: RSV(2) FRAG(1) ATYP ADDR PORT DATA; null when the address is unusable. */
export function encodeSocksUdp(data: Buffer, from: { host: string; port: number }): Buffer | null {
  const addr = writeSocksAddressPort(from.host, from.port);
  if (!addr) return null;
  return Buffer.concat([Buffer.from([0, 0, 0]), addr, data]);
}

/** Decapsulates one UDP datagram; 'fragment' for FRAG != 0, 'bad' when malformed. */
export function decodeSocksUdp(b: Buffer): { host: string; port: number; atyp: 1 | 3 | 4; data: Buffer } | 'fragment' | 'bad' {
  if (b.length < 4) return 'bad';
  if (b[2] !== 0) return 'fragment';
  const a = readSocksAddress(b, 3);
  if (a === 'bad' || a === 'short') return 'bad';
  return { host: a.host, port: a.port, atyp: a.atyp, data: b.subarray(a.end) };
}
