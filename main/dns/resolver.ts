// The upstream resolver (implements core's Resolver): asks every configured
// nameserver in parallel and takes the first usable answer (NOERROR or
// NXDOMAIN), cancelling the others; identical concurrent questions share one
// exchange; answers go through the TTL cache and fill the HostCache.
// `resolve()` never rejects ([] when the name does not resolve); `query()`
// gives the whole answer and rejects with a coded error when no upstream
// answered at all.
import dnsPacket from 'dns-packet';
import type { Resolver } from '../core/rule.js';
import type { Logger } from '../core/logger.js';
import { NULL_LOGGER } from '../core/logger.js';
import { SyError } from '../core/errors.js';
import { ipFamily, normalizeHost, normalizeIp } from '../core/address.js';
import { DnsCache, type CacheOptions, type CachedAnswer } from './cache.js';
import { DEFAULT_SOCKET_FACTORY, exchange, rcodeOf, type DnsSocketFactory, type Question } from './exchange.js';
import { parseNameservers, type Nameserver } from './nameserver.js';
import { HostCacheImpl } from './host-cache.js';
import type { HostsTable } from './hosts.js';

export interface UpstreamOptions {
  /** `dns.nameserver` entries as written. */
  readonly nameservers: readonly string[];
  readonly sockets?: DnsSocketFactory;
  /** Per-exchange timeout, ms (default 2000; UDP retransmits once half-way). */
  readonly timeoutMs?: number;
  readonly cache?: CacheOptions;
  /** Filled with every address answered (default: a new one). */
  readonly hostCache?: HostCacheImpl;
  /** `hosts:` entries answered without asking upstream, also by resolve(). */
  readonly hosts?: HostsTable;
  /** resolve() asks AAAA too (default true). */
  readonly ipv6?: boolean;
  readonly logger?: Logger;
}

export interface QueryResult extends CachedAnswer {
  /** Served from the cache. */
  readonly cached: boolean;
}

const MAX_CNAME_DEPTH = 16;

export class UpstreamResolver implements Resolver {
  readonly servers: readonly Nameserver[];
  readonly cache: DnsCache;
  readonly hostCache: HostCacheImpl;
  private readonly sockets: DnsSocketFactory;
  private readonly timeoutMs: number;
  private readonly hosts: HostsTable | undefined;
  private readonly ipv6: boolean;
  private readonly logger: Logger;
  private readonly inflight = new Map<string, Promise<QueryResult>>();

  constructor(opts: UpstreamOptions) {
    this.logger = opts.logger ?? NULL_LOGGER;
    const parsed = parseNameservers(opts.nameservers);
    for (const w of parsed.warnings) this.logger.warn(w.message, { code: w.code });
    this.servers = parsed.servers;
    if (this.servers.length === 0) {
      this.logger.warn(new SyError('SY_ERR_DNS_NO_NAMESERVER', { where: 'dns.nameserver', value: opts.nameservers }).message, { code: 'SY_ERR_DNS_NO_NAMESERVER' });
    }
    this.sockets = opts.sockets ?? DEFAULT_SOCKET_FACTORY;
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.cache = new DnsCache(opts.cache);
    this.hostCache = opts.hostCache ?? new HostCacheImpl();
    this.hosts = opts.hosts;
    this.ipv6 = opts.ipv6 ?? true;
  }

  /** The answer for (name, type) from the cache or the upstreams. Rejects with SY_ERR_DNS_* when none answered. */
  query(rawName: string, type: dnsPacket.RecordType): Promise<QueryResult> {
    const name = normalizeHost(rawName);
    if (!name) return Promise.reject(new SyError('SY_ERR_DNS_BAD_QUERY', { where: 'dns query', value: rawName, expected: 'a domain name' }));
    const key = DnsCache.key(name, type);
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve({ ...hit, cached: true });
    let p = this.inflight.get(key);
    if (!p) {
      p = this.ask({ name, type }).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  /** Addresses of `host` (A, and AAAA when ipv6), following CNAME chains; [] on any failure. Never rejects. */
  async resolve(host: string): Promise<string[]> {
    const ip = normalizeIp(host);
    if (ip) return [ip];
    const name = normalizeHost(host);
    if (!name) return [];
    const fromHosts = this.hosts?.lookup(name);
    if (fromHosts) return [...fromHosts];
    const types: dnsPacket.RecordType[] = this.ipv6 ? ['A', 'AAAA'] : ['A'];
    const results = await Promise.all(types.map((t) => this.query(name, t).then((r) => addressesOf(name, r.answers, t), () => [] as string[])));
    return results.flat();
  }

  flushCache(): void {
    this.cache.clear();
  }

  private async ask(q: Question): Promise<QueryResult> {
    if (this.servers.length === 0) throw new SyError('SY_ERR_DNS_NO_NAMESERVER', { where: `${q.name} ${q.type}` });
    const ac = new AbortController();
    const attempts = this.servers.map((ns) => exchange(ns, q, this.sockets, this.timeoutMs, ac.signal));
    let fallback: dnsPacket.DecodedPacket | undefined;
    let lastErr: unknown;
    const good = await new Promise<dnsPacket.DecodedPacket | undefined>((resolve) => {
      let pending = attempts.length;
      for (const a of attempts) {
        a.then(
          (p) => {
            if (rcodeOf(p) === 'NOERROR' || rcodeOf(p) === 'NXDOMAIN') resolve(p);
            else fallback ??= p;
          },
          (e) => {
            lastErr = e;
          },
        ).finally(() => {
          if (--pending === 0) resolve(undefined);
        });
      }
    });
    ac.abort();
    const packet = good ?? fallback;
    if (!packet) {
      throw lastErr instanceof SyError ? lastErr : new SyError('SY_ERR_DNS_RESOLVE', { where: `${q.name} ${q.type}`, cause: lastErr });
    }
    const answer: CachedAnswer = {
      rcode: rcodeOf(packet),
      answers: (packet.answers ?? []).filter((a) => a.type !== 'OPT'),
      authorities: packet.authorities ?? [],
    };
    this.cache.set(DnsCache.key(q.name, q.type), answer);
    for (const a of answer.answers) if ((a.type === 'A' || a.type === 'AAAA') && typeof a.data === 'string') this.hostCache.record(a.data, q.name);
    if (this.logger.debugEnabled) this.logger.debug('dns upstream answer', { name: q.name, type: q.type, rcode: answer.rcode, answers: answer.answers.length });
    return { ...answer, cached: false };
  }
}

/** The addresses of `type` for `name` in an answer section, following its CNAME chain. */
export function addressesOf(name: string, answers: readonly dnsPacket.Answer[], type: 'A' | 'AAAA' | dnsPacket.RecordType): string[] {
  const names = new Set([name]);
  for (let i = 0; i < MAX_CNAME_DEPTH; i++) {
    let grew = false;
    for (const a of answers) {
      if (a.type === 'CNAME' && names.has(normalizeHost(a.name)) && !names.has(normalizeHost(a.data))) {
        names.add(normalizeHost(a.data));
        grew = true;
      }
    }
    if (!grew) break;
  }
  const fam = type === 'A' ? 4 : 6;
  return answers
    .filter((a): a is dnsPacket.StringAnswer => a.type === type && names.has(normalizeHost(a.name)))
    .map((a) => normalizeIp(String(a.data)))
    .filter((ip) => ipFamily(ip) === fam);
}
