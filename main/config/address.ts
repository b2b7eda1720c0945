// Small syntactic checks for addresses written in a config. They only check
// shape; nothing here resolves names or touches the network.
import { isIP } from 'node:net';

export interface HostPort {
  /** '' means every interface (`:9090`). IPv6 without brackets. */
  host: string;
  port: number;
}

/** `host:port`, `[v6]:port` or `:port`; null when malformed. */
export function parseHostPort(s: string): HostPort | null {
  const m = /^(?:\[([0-9a-fA-F:.%\w]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s.trim());
  if (!m) return null;
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  if (m[1] !== undefined && isIP(host) !== 6) return null;
  if (m[2] !== undefined && host !== '' && isIP(host) === 0 && !isHostname(host)) return null;
  return { host, port };
}

export function isHostname(s: string): boolean {
  return s.length > 0 && s.length <= 253 && /^(?=.{1,253}$)([a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)(\.[a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*\.?$/.test(s);
}

/** Whether a listener on `host` is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** `a.b.c.d/n` or `v6/n`, prefix required. */
export function isCidr(s: string): boolean {
  const i = s.indexOf('/');
  if (i < 0) return false;
  const ip = s.slice(0, i);
  const bits = s.slice(i + 1);
  const fam = isIP(ip);
  if (fam === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (fam === 4 ? 32 : 128);
}

/** A DNS server as Clash writes it: `1.1.1.1`, `1.1.1.1:53`, `udp://…`, `tcp://…`, `tls://…`, `https://…`, `quic://…`, `dhcp://…`, `system`. */
export function isNameserver(s: string): boolean {
  const t = s.trim().split('#')[0]!.trim();
  if (t === 'system' || t === 'system://') return true;
  if (isIP(t) !== 0) return true;
  if (parseHostPort(t)) return true;
  const m = /^(udp|tcp|tls|https|quic|h3|dhcp|rcode|system):\/\/(.+)$/.exec(t);
  if (!m) return false;
  if (m[1] === 'https' || m[1] === 'h3') {
    try {
      new URL('https://' + m[2]);
      return true;
    } catch {
      return false;
    }
  }
  const rest = m[2]!;
  return rest.length > 0 && !/\s/.test(rest);
}

/**
 * A Clash domain wildcard (reference §2.4): `example.com`, `*.example.com`,
 * `+.example.com`, `.example.com`, `xbox.*.microsoft.com`, `*`; also the
 * `geosite:x` and `rule-set:x` references of fake-ip-filter and
 * nameserver-policy. Invalid: `/`, a trailing dot, empty inner labels.
 */
export function isDomainPattern(s: string): boolean {
  if (/^(geosite|rule-set):[^\s,]+$/i.test(s)) return true;
  if (s === '*' || s === '+') return true;
  const body = s.replace(/^(\+\.|\.)/, '');
  if (body === '' || body.endsWith('.') || body.includes('/')) return false;
  return body.split('.').every((l) => l === '*' || /^[a-zA-Z0-9_*](?:[a-zA-Z0-9_*-]{0,61}[a-zA-Z0-9_*])?$/.test(l));
}
