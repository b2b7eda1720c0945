// dns/: the DNS server, the fake-ip pool, the upstream resolver and the
// ip -> host cache. The engine builds it all with createDnsService(config).
export { createDnsService, type DnsService, type DnsServiceDeps, type DnsExtraOptions } from './service.js';
export { createFakeIpPool, FakeIpPoolImpl, type FakeIpPoolOptions } from './fake-ip-pool.js';
export { UpstreamResolver, addressesOf, type UpstreamOptions, type QueryResult } from './resolver.js';
export { HostCacheImpl } from './host-cache.js';
export { createHostsTable, type HostsTable } from './hosts.js';
export { createDnsServer, type DnsServer, type DnsServerOptions } from './server.js';
export { createDnsHandler, type DnsMode, type DnsUpstream } from './handler.js';
export { queryForApi, parseQueryType } from './api.js';
export { DEFAULT_SOCKET_FACTORY, type DnsSocketFactory } from './exchange.js';
export { parseNameserver, parseNameservers, type Nameserver } from './nameserver.js';
export { compileDomainFilter, compileDomainSet, type DomainSet } from './wildcard.js';
export { DnsCache, type CacheOptions } from './cache.js';
export { markedSocketFactory } from './marked-sockets.js';
export { createUpstream, type Upstream, type UpstreamDeps, type TlsTrust } from './upstream.js';
export { compileOrderedPolicy, type DomainMatcherFactory } from './policy.js';
export { compileFallbackFilter, type FallbackFilter, type GeoIpLookup, type CompiledFallbackFilter } from './fallback-filter.js';
export { exchangeVia, VIA_RULES, type DnsProxyDialer } from './proxied.js';
