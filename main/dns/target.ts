// What every upstream transport shares: the Upstream interface, its
// dependencies, where a server is dialed, and TLS error mapping. Servers written with a host name are reached at the address the
// bootstrap resolver (`default-nameserver`) gives; without one they fail with
// SY_ERR_DNS_BOOTSTRAP naming the server. Every socket comes from the injected
// factory (SO_MARK in the engine), also the TCP socket under TLS.
import type dnsPacket from 'dns-packet';
import { SyError } from '../core/errors.js';
import { ipFamily, normalizeIp } from '../core/address.js';
import type { DnsSocketFactory, Question, Target } from './exchange.js';
import type { Nameserver } from './nameserver.js';
import type { Destination } from '../core/outbound.js';
import { proxiedDestination, type DnsProxyDialer } from './proxied.js';

export interface TlsTrust {
  /** Extra trusted CA certificates (PEM), e.g. a private resolver's CA; default: node's bundled roots. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
}

export interface UpstreamDeps {
  readonly sockets: DnsSocketFactory;
  /** Addresses for a nameserver's host name (default-nameserver); absent = none configured. */
  readonly bootstrap?: (host: string) => Promise<string[]>;
  readonly tls?: TlsTrust;
  /** An idle DoT/DoH connection is closed after this long (default 30 s). */
  readonly idleMs?: number;
  /** Longest TCP connect + TLS handshake of a DoT connection (default 5 s; DoH is bounded by each query's timeout). */
  readonly connectTimeoutMs?: number;
  /** Dials through outbounds (`#PROXY` fragments, respect-rules); absent: such servers are dialed directly (reported). */
  readonly proxy?: DnsProxyDialer;
  /** This server's outbound: a proxy/group name or VIA_RULES; '' or absent = direct (SO_MARK sockets). */
  readonly via?: string;
}

/** The outbound a server is dialed through, '' for direct. */
export function viaOf(deps: UpstreamDeps): string {
  return deps.proxy && deps.via && deps.via !== 'DIRECT' ? deps.via : '';
}

/**
 * Where a proxied server is dialed: its host name (the proxy resolves it)
 * plus, when default-nameserver can tell, its address (the rules and a
 * DIRECT leaf use it, so deciding never asks the resolver being served).
 */
export async function proxiedTarget(ns: Nameserver, deps: UpstreamDeps): Promise<Destination> {
  if (ns.family !== 0 || !deps.bootstrap) return proxiedDestination(ns);
  const ip = await targetOf(ns, deps).then((t) => t.ip, () => '');
  return proxiedDestination(ns, ip);
}

export interface Upstream {
  readonly ns: Nameserver;
  /** Resolves with the decoded response or rejects with a SyError naming the server. */
  exchange(q: Question, timeoutMs: number, signal?: AbortSignal): Promise<dnsPacket.DecodedPacket>;
  /** Closes kept-alive connections. */
  close(): void;
}

/**
 * The address a server is dialed at: its IP, or the first bootstrap address
 * of its host name other than `avoid` (the address that just failed to
 * connect), so a server with several addresses survives one being down.
 */
export async function targetOf(ns: Nameserver, deps: UpstreamDeps, avoid?: string): Promise<Target> {
  if (ns.family !== 0) return { ip: ns.host, family: ns.family };
  if (!deps.bootstrap) {
    throw new SyError('SY_ERR_DNS_BOOTSTRAP', { where: ns.raw, value: ns.host, detail: 'a nameserver written with a host name needs dns.default-nameserver (plain IP servers)' });
  }
  const ips = (await deps.bootstrap(ns.host)).map(normalizeIp).filter((ip) => ipFamily(ip) !== 0);
  const ip = ips.find((a) => a !== avoid) ?? ips[0];
  if (!ip) throw new SyError('SY_ERR_DNS_BOOTSTRAP', { where: ns.raw, value: ns.host, detail: 'default-nameserver gave no address for it' });
  return { ip, family: ipFamily(ip) as 4 | 6 };
}

/** Bounds the bootstrap lookup by the exchange's own timeout and signal. */
export function withTimeout<T>(p: Promise<T>, ns: Nameserver, q: Question, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const where = `${ns.raw} ${q.name} ${q.type}`;
    const fail = (detail: string) => reject(new SyError('SY_ERR_DNS_TIMEOUT', { where, detail }));
    if (signal?.aborted) return fail('aborted');
    const timer = setTimeout(() => fail(`no address for ${ns.host} within ${timeoutMs} ms`), timeoutMs);
    const onAbort = () => fail('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

/** A TLS failure as a coded error naming the server; certificate problems say so. */
export function tlsError(ns: Nameserver, e: unknown): SyError {
  const code = (e as { code?: string }).code ?? '';
  const cert = /CERT|SELF_SIGNED|SIGNATURE|ISSUER|ALTNAME/.test(code);
  if (cert) {
    return new SyError('SY_ERR_DNS_TLS_CERT', { where: ns.raw, value: ns.host, detail: `${code}: ${(e as Error).message}`, expected: 'a certificate valid for the server name (or #skip-cert-verify=true)', cause: e });
  }
  return new SyError('SY_ERR_DNS_RESOLVE', { where: ns.raw, cause: e });
}

/** Errors that mean "this address cannot be reached" (another address may work). */
export function isConnectError(e: unknown): boolean {
  let c: unknown = e;
  for (let i = 0; i < 4 && c; i++) {
    const code = (c as { code?: string }).code;
    if (code && /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EADDRNOTAVAIL)$/.test(code)) return true;
    c = (c as { cause?: unknown }).cause;
  }
  return false;
}
