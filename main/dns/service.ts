// The DNS stage built from the Config, for the engine: the upstream resolver
// (always; the rule engine resolves through it), the HostCache, and, when
// `dns.enable`, the fake-ip pool (fake-ip mode) and the server on
// `dns.listen`. start() restores the fake-ip mapping saved by the previous
// run and then listens; close() stops listening and saves the mapping (it is
// also saved every `saveEveryMs`, so a SIGKILL loses little).
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { ApiDnsQuery } from '../controller/api-types.js';
import { SyError } from '../core/errors.js';
import { parseHostPort } from '../core/address.js';
import { createFakeIpPool, type FakeIpPoolImpl } from './fake-ip-pool.js';
import { UpstreamResolver } from './resolver.js';
import { HostCacheImpl } from './host-cache.js';
import { createHostsTable } from './hosts.js';
import { createDnsServer, type DnsServer } from './server.js';
import { queryForApi } from './api.js';
import type { DnsSocketFactory } from './exchange.js';
import { markedSocketFactory } from './marked-sockets.js';
import type { DomainMatcherFactory } from './policy.js';
import type { FallbackFilter, GeoIpLookup } from './fallback-filter.js';
import type { TlsTrust } from './upstream.js';
import type { DnsProxyDialer } from './proxied.js';

/**
 * DNS keys the config loader does not map into DnsConfig yet; the engine
 * passes them here (config key -> field):
 *   dns.fallback-filter.{geoip, geoip-code, ipcidr, domain, geosite} -> fallbackFilter
 *   dns.proxy-server-nameserver -> proxyServerNameserver
 *   dns.respect-rules -> respectRules
 */
export interface DnsExtraOptions {
  readonly fallbackFilter?: FallbackFilter;
  /** Resolves the proxies' server names (default: the main resolver). */
  readonly proxyServerNameserver?: readonly string[];
  /**
   * mihomo's respect-rules: the main, fallback and policy nameservers are
   * dialed where the rules send their host/address (needs `proxy`);
   * default-nameserver and proxy-server-nameserver stay direct.
   */
  readonly respectRules?: boolean;
}

export interface DnsServiceDeps {
  readonly logger: Logger;
  /** Sockets for upstream queries; default markedSocketFactory(config.routingMark) (SO_MARK, so never recaptured). */
  readonly sockets?: DnsSocketFactory;
  /** Where the fake-ip mapping is kept; default `<config.home>/fake-ip-pool.json`, '' = not persisted. */
  readonly poolFile?: string;
  /** Default 5 minutes; 0 = only on close. */
  readonly saveEveryMs?: number;
  /** Keys not yet in DnsConfig (see DnsExtraOptions). */
  readonly extra?: DnsExtraOptions;
  /** geosite:/rule-set: in nameserver-policy, fake-ip-filter and fallback-filter (the rules layer); absent = inactive, reported once. */
  readonly matchers?: DomainMatcherFactory;
  /** Country of an address, for fallback-filter geoip. */
  readonly geoip?: GeoIpLookup;
  /** Extra trusted CAs for DoT/DoH servers (default: node's roots). */
  readonly tls?: TlsTrust;
  /** Dials nameservers through outbounds (`#PROXY` fragments, respect-rules); the engine's, over its outbounds and rules. */
  readonly proxy?: DnsProxyDialer;
}

export interface DnsService extends Lifecycle {
  readonly resolver: UpstreamResolver;
  /** For the proxies' server names: proxy-server-nameserver, else `resolver`. */
  readonly proxyServerResolver: UpstreamResolver;
  readonly hostCache: HostCacheImpl;
  /** Present in fake-ip mode with dns.enable. */
  readonly fakeIp: FakeIpPoolImpl | undefined;
  /** Present with dns.enable. */
  readonly server: DnsServer | undefined;
  /** For the controller's GET /dns/query. */
  queryForApi(name: string, type?: string | number): Promise<ApiDnsQuery>;
  /** POST /cache/fakeip/flush. */
  flushFakeIp(): void;
  /** POST /cache/dns/flush. */
  flushCache(): void;
}

export function createDnsService(config: Config, deps: DnsServiceDeps): DnsService {
  const dns = config.dns;
  const log = deps.logger.child({ module: 'dns' });
  const hostCache = new HostCacheImpl();
  const hosts = dns.useHosts && Object.keys(config.hosts).length > 0 ? createHostsTable(config.hosts, log) : undefined;
  const extra = deps.extra ?? {};
  const sockets = deps.sockets ?? markedSocketFactory(config.routingMark);
  const common = { sockets, hostCache, hosts, ipv6: dns.ipv6, logger: log, defaultNameservers: dns.defaultNameserver, tls: deps.tls, ...(deps.proxy ? { proxy: deps.proxy } : {}) };
  const resolver = new UpstreamResolver({
    ...common,
    nameservers: dns.nameserver,
    fallback: dns.fallback,
    fallbackFilter: extra.fallbackFilter,
    policy: dns.nameserverPolicy,
    matchers: deps.matchers,
    geoip: deps.geoip,
    ...(extra.respectRules ? { respectRules: true } : {}),
  });
  const proxyServerResolver = extra.proxyServerNameserver && extra.proxyServerNameserver.length > 0
    ? new UpstreamResolver({ ...common, bootstrapResolver: resolver.bootstrap, nameservers: extra.proxyServerNameserver, where: 'dns.proxy-server-nameserver' })
    : resolver;
  const fakeIp = dns.enable && dns.enhancedMode === 'fake-ip'
    ? createFakeIpPool({ range: dns.fakeIpRange, range6: dns.fakeIpRange6, filter: dns.fakeIpFilter, matchers: deps.matchers, logger: log })
    : undefined;
  let server: DnsServer | undefined;
  if (dns.enable) {
    const listen = parseHostPort(dns.listen);
    if (!listen) throw new SyError('SY_ERR_DNS_LISTEN', { where: `${dns.where} dns.listen`, value: dns.listen, expected: 'HOST:PORT' });
    server = createDnsServer({ listen: { host: listen.host || '0.0.0.0', port: listen.port }, mode: dns.enhancedMode, fakeIp, upstream: resolver, hosts, logger: log, ipv6: dns.ipv6 });
  }
  const poolFile = deps.poolFile ?? (config.home ? join(config.home, 'fake-ip-pool.json') : '');
  let timer: NodeJS.Timeout | undefined;
  const save = async () => {
    if (!fakeIp || !poolFile) return;
    await fakeIp.save(poolFile).catch((e: unknown) => log.warn((e as Error).message, { code: (e as SyError).code }));
  };

  return {
    resolver,
    proxyServerResolver,
    hostCache,
    fakeIp,
    server,
    async start() {
      if (fakeIp && poolFile) {
        const n = await fakeIp.load(poolFile);
        if (n > 0) log.info('dns: fake-ip mapping restored', { entries: n, file: poolFile });
        const every = deps.saveEveryMs ?? 300_000;
        if (every > 0) timer = setInterval(() => void save(), every).unref();
      }
      await server?.start();
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await server?.close();
      await save();
      resolver.close();
      if (proxyServerResolver !== resolver) proxyServerResolver.close();
    },
    queryForApi: (name, type) => queryForApi(resolver, name, type),
    flushFakeIp: () => fakeIp?.flush(),
    flushCache: () => resolver.flushCache(),
  };
}
