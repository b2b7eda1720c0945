// Address value helpers shared by every layer. Pure functions, no I/O.
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** Strips an IPv6 zone, unmaps IPv4-mapped IPv6 (`::ffff:a.b.c.d`), lower-cases. '' if not an IP. */
export function normalizeIp(s: string): string {
  if (!s) return '';
  let ip = s;
  const pct = ip.indexOf('%');
  if (pct >= 0) ip = ip.slice(0, pct);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const fam = isIP(ip);
  if (fam === 0) return '';
  if (fam === 6) {
    ip = ip.toLowerCase();
    const m = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip) ?? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
    if (m && m[1] && isIP(m[1]) === 4) return m[1];
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
    if (hex && hex[1] && hex[2]) {
      const hi = parseInt(hex[1], 16);
      const lo = parseInt(hex[2], 16);
      return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    }
  }
  return ip;
}

/** Lower-cases, strips one trailing dot, converts to IDNA/punycode. '' for an empty or invalid name. */
export function normalizeHost(s: string): string {
  if (!s) return '';
  let h = s.trim();
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (!h) return '';
  // Fast path: plain ASCII names need only lower-casing.
  if (/^[A-Za-z0-9._-]+$/.test(h)) return h.toLowerCase();
  const a = domainToASCII(h);
  return a ? a.toLowerCase() : '';
}

/** 4, 6 or 0, like net.isIP, after normalisation. */
export function ipFamily(s: string): 0 | 4 | 6 {
  return isIP(s) as 0 | 4 | 6;
}

/** `ip:port` or `[ip6]:port`. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Parses `host:port`, `[v6]:port` or `:port` (host ''). Returns null when malformed. */
export function parseHostPort(s: string): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  return { host: m[1] ?? m[2] ?? '', port };
}
