// Nameserver addresses from `dns.nameserver`: `udp://ip:port`, `tcp://ip:port`,
// plain `ip` / `ip:port` / `[v6]:port` (= UDP, port 53). `https://` and
// `tls://` are accepted but not implemented yet: reported once as a coded
// warning and skipped. Host names as servers would need a bootstrap resolver,
// so they are rejected with a clear error.
import { SyError } from '../core/errors.js';
import { normalizeIp, ipFamily, parseHostPort } from '../core/address.js';

export interface Nameserver {
  readonly proto: 'udp' | 'tcp';
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6;
  /** As written in the config. */
  readonly raw: string;
}

export interface ParsedNameservers {
  readonly servers: readonly Nameserver[];
  /** Coded warnings for entries that were skipped (unsupported schemes). */
  readonly warnings: readonly SyError[];
}

const UNSUPPORTED = /^(https|tls|quic|h3|dhcp|system|rcode):/i;

/** Parses one entry; throws SY_ERR_DNS_BAD_NAMESERVER, returns null for unsupported schemes. */
export function parseNameserver(raw: string, where = 'dns.nameserver'): Nameserver | null {
  const s = raw.trim();
  if (UNSUPPORTED.test(s) || s === 'system') return null;
  const bad = (detail: string) => new SyError('SY_ERR_DNS_BAD_NAMESERVER', { where, value: raw, detail, expected: 'udp://IP:PORT, tcp://IP:PORT, IP or IP:PORT' });
  let proto: 'udp' | 'tcp' = 'udp';
  let rest = s;
  const scheme = /^([a-z0-9+.-]+):\/\//i.exec(s);
  if (scheme) {
    const p = scheme[1]!.toLowerCase();
    if (p !== 'udp' && p !== 'tcp') throw bad(`unknown scheme ${p}://`);
    proto = p;
    rest = s.slice(scheme[0].length).replace(/\/$/, '');
  }
  let host = rest;
  let port = 53;
  if (ipFamily(normalizeIp(rest)) === 0) {
    const hp = parseHostPort(rest);
    if (!hp) throw bad('not an IP address or IP:PORT');
    host = hp.host;
    port = hp.port;
  }
  const ip = normalizeIp(host);
  const family = ipFamily(ip);
  if (family === 0) throw bad('the server must be an IP address (host names need a bootstrap resolver)');
  if (port < 1 || port > 65535) throw bad('port out of range');
  return { proto, host: ip, port, family, raw };
}

/** Parses a list; bad entries throw (config error), unsupported ones become warnings. */
export function parseNameservers(list: readonly string[], where = 'dns.nameserver'): ParsedNameservers {
  const servers: Nameserver[] = [];
  const warnings: SyError[] = [];
  list.forEach((raw, i) => {
    const ns = parseNameserver(raw, `${where}[${i}]`);
    if (ns) servers.push(ns);
    else warnings.push(new SyError('SY_ERR_DNS_UNSUPPORTED_NAMESERVER', { where: `${where}[${i}]`, value: raw, expected: 'udp:// or tcp:// (DoH/DoT come later)' }));
  });
  return { servers, warnings };
}
