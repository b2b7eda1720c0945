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

export interface DnsServiceDeps {
  readonly logger: Logger;
  /** Sockets for upstream queries; default markedSocketFactory(config.routingMark) (SO_MARK, so never recaptured). */
  readonly sockets?: DnsSocketFactory;
  /** Where the fake-ip mapping is kept; default `<config.home>/fake-ip-pool.json`, '' = not persisted. */
  readonly poolFile?: string;
  /** Default 5 minutes; 0 = only on close. */
  readonly saveEveryMs?: number;
}

export interface DnsService extends Lifecycle {
  readonly resolver: UpstreamResolver;
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
  for (const [key, v] of [['fallback', dns.fallback.length], ['nameserver-policy', Object.keys(dns.nameserverPolicy).length]] as const) {
    if (v > 0) log.warn(`dns.${key} is not supported yet and is ignored`, { where: dns.where });
  }
  const sockets = deps.sockets ?? markedSocketFactory(config.routingMark);
  const resolver = new UpstreamResolver({ nameservers: dns.nameserver, sockets, hostCache, hosts, ipv6: dns.ipv6, logger: log });
  const fakeIp = dns.enable && dns.enhancedMode === 'fake-ip'
    ? createFakeIpPool({ range: dns.fakeIpRange, range6: dns.fakeIpRange6, filter: dns.fakeIpFilter, logger: log })
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
    },
    queryForApi: (name, type) => queryForApi(resolver, name, type),
    flushFakeIp: () => fakeIp?.flush(),
    flushCache: () => resolver.flushCache(),
  };
}
