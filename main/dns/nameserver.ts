// Nameserver addresses as Clash/mihomo configs write them:
//   udp://host[:53], tcp://host[:53], plain `host` / `host:port` / `[v6]:port` (UDP)
//   tls://host[:853]                         DNS over TLS (RFC 7858)
//   https://host[:443]/path, http://…        DNS over HTTPS (RFC 8484), path default /dns-query
// `host` is an IP or a host name; host names are resolved through
// `default-nameserver` (see bootstrap.ts). A `#fragment` carries mihomo's
// parameters, `&`-separated: a bare word is the proxy or group to dial through
// (`#DIRECT` = direct, `#RULES` = decided by the rules; see proxied.ts),
// `skip-cert-verify=true` turns off
// certificate checks, `disable-ipv4=true` / `disable-ipv6=true` make the server
// answer A / AAAA empty without asking, `ecs=CIDR` adds EDNS Client Subnet;
// others (h3, …) are reported as ignored.
// rcode://success|format_error|server_failure|name_error|not_implemented|refused
// answers locally with that code (mihomo's blocking idiom in nameserver-policy).
// quic://, h3://, dhcp:// and system are not implemented: they are
// reported once as coded warnings and skipped.
import { SyError } from '../core/errors.js';
import { normalizeIp, ipFamily, normalizeHost } from '../core/address.js';
import { bigIntToIp, ipToBigInt } from './ip-range.js';

export type NameserverProto = 'udp' | 'tcp' | 'tls' | 'https' | 'http' | 'rcode';

export interface Nameserver {
  readonly proto: NameserverProto;
  /** An IP address (normalised) or a host name (lower case). */
  readonly host: string;
  readonly port: number;
  /** 4 or 6 for an IP host; 0 for a host name (resolved at dial time). */
  readonly family: 0 | 4 | 6;
  /** DoH request path (with any query string); '' for the other protocols. */
  readonly path: string;
  /** Certificate verification off (`#skip-cert-verify=true`); TLS/HTTPS only. */
  readonly skipCertVerify: boolean;
  /** `#name`: the proxy or group to dial through ('' or DIRECT = direct, RULES = the rules decide). */
  readonly proxy: string;
  /** `#ecs=CIDR`: EDNS Client Subnet sent with every query (RFC 7871), the address masked to the prefix. */
  readonly ecs?: { readonly family: 1 | 2; readonly ip: string; readonly prefix: number };
  /** The `#key=value` parameters (unknown ones are reported as ignored). */
  readonly params: Readonly<Record<string, string>>;
  /** As written in the config. */
  readonly raw: string;
}

export interface ParsedNameservers {
  readonly servers: readonly Nameserver[];
  /** Coded warnings: skipped entries (unsupported schemes) and ignored parameters. */
  readonly warnings: readonly SyError[];
}

const UNSUPPORTED = /^(quic|h3|dhcp|system):/i;
/** mihomo's `rcode://NAME` pseudo-servers: answer locally with that response code. */
export const RCODE_SERVERS: Readonly<Record<string, string>> = {
  success: 'NOERROR', format_error: 'FORMERR', server_failure: 'SERVFAIL', name_error: 'NXDOMAIN', not_implemented: 'NOTIMP', refused: 'REFUSED',
};
const DEFAULT_PORT: Record<Exclude<NameserverProto, 'rcode'>, number> = { udp: 53, tcp: 53, tls: 853, https: 443, http: 80 };
/** Parameters we act on; the rest are reported as ignored. */
const KNOWN_PARAMS = new Set(['skip-cert-verify', 'disable-ipv4', 'disable-ipv6', 'ecs', 'ecs-override']);

/** Parses one entry; throws SY_ERR_DNS_BAD_NAMESERVER, returns null for unsupported schemes. */
export function parseNameserver(raw: string, where = 'dns.nameserver'): Nameserver | null {
  const s = raw.trim();
  if (UNSUPPORTED.test(s) || s === 'system') return null;
  const bad = (detail: string) =>
    new SyError('SY_ERR_DNS_BAD_NAMESERVER', { where, value: raw, detail, expected: 'IP[:PORT], udp://HOST[:PORT], tcp://…, tls://HOST[:PORT], https://HOST[:PORT]/PATH' });
  const rc = /^rcode:\/\/(.*)$/i.exec(s);
  if (rc) {
    const name = rc[1]!.trim().toLowerCase();
    if (!(name in RCODE_SERVERS)) throw bad(`unknown rcode ${name}; expected one of ${Object.keys(RCODE_SERVERS).join(', ')}`);
    return { proto: 'rcode', host: name, port: 0, family: 4, path: '', skipCertVerify: false, proxy: '', params: {}, raw };
  }
  const hash = s.indexOf('#');
  const body = hash >= 0 ? s.slice(0, hash) : s;
  const fragment = hash >= 0 ? s.slice(hash + 1) : '';
  let proto: Exclude<NameserverProto, 'rcode'> = 'udp';
  let rest = body;
  const scheme = /^([a-z0-9+.-]+):\/\//i.exec(body);
  if (scheme) {
    const p = scheme[1]!.toLowerCase();
    if (!(p in DEFAULT_PORT)) throw bad(`unknown scheme ${p}://`);
    proto = p as Exclude<NameserverProto, 'rcode'>;
    rest = body.slice(scheme[0].length);
  }
  let path = '';
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    path = rest.slice(slash);
    rest = rest.slice(0, slash);
  }
  if (proto === 'https' || proto === 'http') path = path === '' || path === '/' ? '/dns-query' : path;
  else if (path !== '' && path !== '/') throw bad(`a path is only meaningful for https:// (got ${path})`);
  else path = '';
  const hp = splitHostPort(rest);
  if (!hp) throw bad('not HOST, HOST:PORT or [IPv6]:PORT');
  const port = hp.port ?? DEFAULT_PORT[proto];
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('port out of range');
  const ip = normalizeIp(hp.host);
  const family = ipFamily(ip);
  let host = ip;
  if (family === 0) {
    host = normalizeHost(hp.host);
    if (!host || !host.includes('.') && host !== 'localhost') throw bad('not an IP address or a host name');
  }
  const { proxy, params } = parseFragment(fragment);
  const ecs = params.ecs === undefined ? undefined : parseEcs(params.ecs);
  if (ecs === null) throw bad(`ecs=${params.ecs} is not a CIDR such as 198.51.100.0/24`);
  return {
    ...(ecs ? { ecs } : {}),
    proto,
    host,
    port,
    family: family as 0 | 4 | 6,
    path,
    skipCertVerify: params['skip-cert-verify'] === 'true',
    proxy,
    params,
    raw,
  };
}

/** Parses a list; bad entries throw (config error), unsupported ones and ignored parameters become warnings. */
export function parseNameservers(list: readonly string[], where = 'dns.nameserver'): ParsedNameservers {
  const servers: Nameserver[] = [];
  const warnings: SyError[] = [];
  list.forEach((raw, i) => {
    const at = `${where}[${i}]`;
    const ns = parseNameserver(raw, at);
    if (!ns) {
      warnings.push(new SyError('SY_ERR_DNS_UNSUPPORTED_NAMESERVER', { where: at, value: raw, expected: 'udp://, tcp://, tls:// or https://' }));
      return;
    }
    servers.push(ns);
    for (const k of Object.keys(ns.params)) {
      if (!KNOWN_PARAMS.has(k)) warnings.push(new SyError('SY_ERR_DNS_IGNORED_PARAM', { where: at, value: `${k}=${ns.params[k]}`, detail: 'parameter not supported, ignored' }));
    }
  });
  return { servers, warnings };
}

/** `host`, `host:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address. */
function splitHostPort(s: string): { host: string; port: number | undefined } | null {
  if (s === '') return null;
  if (s.startsWith('[')) {
    const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
    return m ? { host: m[1]!, port: m[2] === undefined ? undefined : Number(m[2]) } : null;
  }
  if (ipFamily(normalizeIp(s)) === 6) return { host: s, port: undefined };
  const c = s.lastIndexOf(':');
  if (c < 0) return { host: s, port: undefined };
  const p = s.slice(c + 1);
  if (!/^\d{1,5}$/.test(p)) return null;
  return { host: s.slice(0, c), port: Number(p) };
}

function parseFragment(fragment: string): { proxy: string; params: Record<string, string> } {
  let proxy = '';
  const params: Record<string, string> = {};
  for (const part of fragment.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) proxy = safeDecode(part);
    else params[part.slice(0, eq).toLowerCase()] = part.slice(eq + 1);
  }
  return { proxy, params };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `ip/prefix` with the host bits cleared (RFC 7871 §6), or null when malformed. */
function parseEcs(v: string): { family: 1 | 2; ip: string; prefix: number } | null {
  const [addr, bits] = v.split('/');
  const ip = normalizeIp(addr ?? '');
  const fam = ipFamily(ip);
  if (fam === 0) return null;
  const width = fam === 4 ? 32 : 128;
  const prefix = bits === undefined ? width : /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
  if (prefix < 0 || prefix > width) return null;
  const n = ipToBigInt(ip);
  if (n === undefined) return null;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
  return { family: fam === 4 ? 1 : 2, ip: bigIntToIp(n & mask, fam), prefix };
}
