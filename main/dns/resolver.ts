// The upstream resolver (implements core's Resolver). A question goes to one
// group of nameservers, chosen as mihomo does (dns/resolver.go):
//   1. A/AAAA: nameserver-policy match -> those servers; else a fallback-filter
//      name match -> fallback; else main, and with `fallback` configured the
//      main answer is replaced by the fallback answer when it has no address
//      or a distrusted one (fallback-filter.ts);
//   2. other types: nameserver-policy match -> those servers; else main.
// A group asks its servers in parallel and takes the first usable answer
// (NOERROR or NXDOMAIN), cancelling the others. Identical concurrent
// questions share one exchange; answers go through the TTL cache and fill
// the HostCache. Servers written with host names are reached through a
// bootstrap resolver made of `default-nameserver` (plain IPs only).
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
import { DEFAULT_SOCKET_FACTORY, rcodeOf, type DnsSocketFactory, type Question } from './exchange.js';
import { parseNameservers, type Nameserver } from './nameserver.js';
import { createUpstream, type TlsTrust, type Upstream } from './upstream.js';
import { compileOrderedPolicy, type DomainMatcherFactory } from './policy.js';
import { compileFallbackFilter, type CompiledFallbackFilter, type FallbackFilter, type GeoIpLookup } from './fallback-filter.js';
import { HostCacheImpl } from './host-cache.js';
import type { HostsTable } from './hosts.js';
import { VIA_RULES, type DnsProxyDialer } from './proxied.js';

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
  /** `dns.default-nameserver`: plain-IP servers that resolve the host names of the others. */
  readonly defaultNameservers?: readonly string[];
  /** An existing bootstrap resolver to share (instead of building one from defaultNameservers). */
  readonly bootstrapResolver?: UpstreamResolver;
  /** `dns.fallback` servers. */
  readonly fallback?: readonly string[];
  /** `dns.fallback-filter` (applies when `fallback` is non-empty); default geoip on, code CN. */
  readonly fallbackFilter?: FallbackFilter;
  /** `dns.nameserver-policy` in config order: pattern key(s) -> servers. */
  readonly policy?: Readonly<Record<string, readonly string[]>>;
  /** Evaluates `geosite:` / `rule-set:` keys (the rules layer); absent = those keys are inactive. */
  readonly matchers?: DomainMatcherFactory;
  /** Country of an address, for fallback-filter.geoip. */
  readonly geoip?: GeoIpLookup;
  /** Extra trusted CAs for tls:// and https:// servers. */
  readonly tls?: TlsTrust;
  /** Where the nameserver list comes from, for messages (default dns.nameserver). */
  readonly where?: string;
  /** Dials `#proxy` nameservers (and, with respectRules, all of them) through outbounds; absent: they are dialed directly, reported. */
  readonly proxy?: DnsProxyDialer;
  /** mihomo's respect-rules: servers without a `#name` are dialed where the rules send them. */
  readonly respectRules?: boolean;
}

export interface QueryResult extends CachedAnswer {
  /** Served from the cache. */
  readonly cached: boolean;
}

const MAX_CNAME_DEPTH = 16;

export class UpstreamResolver implements Resolver {
  /** The main group (`dns.nameserver`). */
  readonly servers: readonly Nameserver[];
  readonly cache: DnsCache;
  readonly hostCache: HostCacheImpl;
  /** Resolves nameserver host names (`default-nameserver`); undefined when none is configured. */
  readonly bootstrap: UpstreamResolver | undefined;
  private readonly main: readonly Upstream[];
  private readonly fallbackGroup: readonly Upstream[];
  private readonly filter: CompiledFallbackFilter | undefined;
  private readonly policyOf: (host: string) => readonly Upstream[] | undefined;
  private readonly all = new Map<string, Upstream>();
  private readonly timeoutMs: number;
  private readonly hosts: HostsTable | undefined;
  private readonly ipv6: boolean;
  private readonly logger: Logger;
  private readonly inflight = new Map<string, Promise<QueryResult>>();

  constructor(opts: UpstreamOptions) {
    this.logger = opts.logger ?? NULL_LOGGER;
    const sockets = opts.sockets ?? DEFAULT_SOCKET_FACTORY;
    this.timeoutMs = opts.timeoutMs ?? 2000;
    const boot = opts.bootstrapResolver ? [] : (opts.defaultNameservers ?? []).filter((raw, i) => {
      // The bootstrap cannot itself need a bootstrap: host names are refused here.
      const p = parseNameservers([raw], 'dns.default-nameserver');
      const hostName = p.servers.some((s) => s.family === 0);
      if (hostName) {
        const w = new SyError('SY_ERR_DNS_BAD_NAMESERVER', { where: `dns.default-nameserver[${i}]`, value: raw, detail: 'default-nameserver entries must be IP addresses (skipped)' });
        this.logger.warn(w.message, { code: w.code });
      }
      return !hostName;
    });
    this.bootstrap = opts.bootstrapResolver ?? (boot.length > 0
      ? new UpstreamResolver({ nameservers: boot, sockets, timeoutMs: opts.timeoutMs, ipv6: opts.ipv6, logger: this.logger, tls: opts.tls, where: 'dns.default-nameserver' })
      : undefined);
    const bootstrap = this.bootstrap;
    const deps = { sockets, tls: opts.tls, connectTimeoutMs: this.timeoutMs, bootstrap: bootstrap ? (h: string) => bootstrap.resolve(h) : undefined };
    const group = (list: readonly string[], where: string): Upstream[] => {
      const parsed = parseNameservers(list, where);
      for (const w of parsed.warnings) this.logger.warn(w.message, { code: w.code });
      return parsed.servers.map((ns) => {
        let u = this.all.get(ns.raw);
        if (!u) {
          const via = ns.proxy || (opts.respectRules ? VIA_RULES : '');
          if (via && via !== 'DIRECT' && !opts.proxy) {
            const w = new SyError('SY_ERR_DNS_IGNORED_PARAM', { where, value: `${ns.raw}`, detail: `no outbounds here to dial through ${via}; dialed directly (with the routing mark)` });
            this.logger.warn(w.message, { code: w.code });
          }
          u = createUpstream(ns, { ...deps, ...(opts.proxy ? { proxy: opts.proxy } : {}), via });
          this.all.set(ns.raw, u);
        }
        return u;
      });
    };
    const where = opts.where ?? 'dns.nameserver';
    this.main = group(opts.nameservers, where);
    this.servers = this.main.map((u) => u.ns);
    if (this.servers.length === 0) {
      this.logger.warn(new SyError('SY_ERR_DNS_NO_NAMESERVER', { where, value: opts.nameservers }).message, { code: 'SY_ERR_DNS_NO_NAMESERVER' });
    }
    this.fallbackGroup = group(opts.fallback ?? [], 'dns.fallback');
    this.filter = this.fallbackGroup.length > 0
      ? compileFallbackFilter(opts.fallbackFilter ?? {}, { geoip: opts.geoip, matchers: opts.matchers, logger: this.logger })
      : undefined;
    const policy = Object.entries(opts.policy ?? {}).map(([k, v]) => [k, group(v, `dns.nameserver-policy.${k}`)] as const).filter(([, g]) => g.length > 0);
    this.policyOf = compileOrderedPolicy(policy, 'dns.nameserver-policy', opts.matchers, this.logger);
    if (!bootstrap) {
      const named = [...this.all.values()].find((u) => u.ns.family === 0);
      if (named) {
        const w = new SyError('SY_ERR_DNS_BOOTSTRAP', { where, value: named.ns.raw, detail: 'nameservers given by host name need dns.default-nameserver; they will fail' });
        this.logger.warn(w.message, { code: w.code });
      }
    }
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

  /** Addresses of `host` (A, and AAAA when ipv6), following CNAME chains and hosts aliases; [] on any failure. Never rejects. */
  resolve(host: string): Promise<string[]> {
    return this.resolveAt(host, 0);
  }

  /** resolve() at `depth` hosts aliases deep (a loop ends at MAX_CNAME_DEPTH). */
  private async resolveAt(host: string, depth: number): Promise<string[]> {
    const ip = normalizeIp(host);
    if (ip) return [ip];
    const name = normalizeHost(host);
    if (!name) return [];
    const fromHosts = this.hosts?.lookup(name);
    if (fromHosts) return [...fromHosts];
    const alias = depth < MAX_CNAME_DEPTH ? this.hosts?.alias?.(name) : undefined;
    if (alias) return this.resolveAt(alias, depth + 1);
    const types: dnsPacket.RecordType[] = this.ipv6 ? ['A', 'AAAA'] : ['A'];
    const results = await Promise.all(types.map((t) => this.query(name, t).then((r) => addressesOf(name, r.answers, t), () => [] as string[])));
    return results.flat();
  }

  flushCache(): void {
    this.cache.clear();
    this.bootstrap?.flushCache();
  }

  /** Closes kept-alive DoT/DoH connections (also the bootstrap's). */
  close(): void {
    for (const u of this.all.values()) u.close();
    this.bootstrap?.close();
  }

  /** Which group answers `q` (see the header). */
  private async ask(q: Question): Promise<QueryResult> {
    const policy = this.policyOf(q.name);
    if (policy) return this.askGroup(policy, q);
    const isIp = q.type === 'A' || q.type === 'AAAA';
    if (!isIp || !this.filter) return this.askGroup(this.main, q);
    if (this.filter.onlyFallback(q.name)) return this.askGroup(this.fallbackGroup, q);
    const main = await this.askGroup(this.main, q, false).catch(() => undefined);
    if (main) {
      const ips = addressesOf(q.name, main.answers, q.type);
      if (ips.length > 0 && !ips.some((ip) => this.filter!.distrusts(ip))) return this.store(q, main);
      if (this.logger.debugEnabled) this.logger.debug('dns: main answer not trusted, asking fallback', { name: q.name, type: q.type, ips });
    }
    return this.askGroup(this.fallbackGroup, q);
  }

  /** Asks every server of `group` in parallel; the first usable answer wins. Stored unless `store` is false. */
  private async askGroup(group: readonly Upstream[], q: Question, store = true): Promise<QueryResult> {
    if (group.length === 0) throw new SyError('SY_ERR_DNS_NO_NAMESERVER', { where: `${q.name} ${q.type}` });
    const ac = new AbortController();
    const attempts = group.map((u) => u.exchange(q, this.timeoutMs, ac.signal));
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
    const answer: QueryResult = {
      rcode: rcodeOf(packet),
      answers: (packet.answers ?? []).filter((a) => a.type !== 'OPT'),
      authorities: packet.authorities ?? [],
      cached: false,
    };
    return store ? this.store(q, answer) : answer;
  }

  private store(q: Question, result: QueryResult): QueryResult {
    const answer: CachedAnswer = { rcode: result.rcode, answers: result.answers, authorities: result.authorities };
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
