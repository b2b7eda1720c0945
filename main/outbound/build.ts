// buildOutbounds: Config -> the set of outbounds the tunnel and controller
// use. Built-ins DIRECT, REJECT, REJECT-DROP, PASS and GLOBAL (a select over
// every proxy and group, as mihomo's GLOBAL, used in `mode: global`) come
// first, then proxies, then groups, in config order.
import type { Outbound, OutboundRegistry } from '../core/outbound.js';
import type { TargetCheck, TargetStatus, Resolver } from '../core/rule.js';
import type { Network } from '../core/metadata.js';
import type { Logger } from '../core/logger.js';
import type { Config, GroupConfig, ProxyConfig } from '../config/types.js';
import { SyError } from '../core/errors.js';
import type { SocketFactory } from './socket-factory.js';
import type { StateStore } from './state-store.js';
import { DirectOutbound } from './direct.js';
import { passOutbound, rejectDropOutbound, rejectOutbound } from './reject.js';
import { Socks5Outbound } from './socks5.js';
import { HttpOutbound } from './http.js';
import { UnsupportedOutbound } from './unsupported.js';
import { GroupBase, type Member } from './groups/group.js';
import { SelectGroup } from './groups/select.js';
import { UrlTestGroup } from './groups/url-test.js';
import { FallbackGroup } from './groups/fallback.js';
import { LoadBalanceGroup } from './groups/load-balance.js';
import { DEFAULT_TEST_URL, measureDelay } from './delay-test.js';
import { computeMembers, computedMembers } from './groups/members.js';

/** What the outbound set needs of a proxy provider (main/proxy-providers/ implements it). */
export interface ProviderMembers {
  readonly name: string;
  /** The provider's current proxies, in order (built with OutboundSet.makeMember). */
  members(): readonly Member[];
}

export interface OutboundDeps {
  sockets: SocketFactory;
  resolver: Resolver;
  state: StateStore;
  logger: Logger;
  /** TCP connect deadline for every dial (default 10 s) */
  connectTimeoutMs?: number;
  /** UDP flows end after this long without traffic (default 60 s) */
  udpIdleMs?: number;
}

export interface OutboundSet extends OutboundRegistry, TargetCheck {
  /** The group of that name, if it is one. */
  group(name: string): GroupBase | undefined;
  /** Starts group health checks (timers are unref'd). */
  start(): void;
  /** Stops health checks; idempotent. */
  close(): void;
  /**
   * One delay test through `name` (for /proxies/:name/delay); records it in
   * that outbound's history. Resolves to ms; rejects SY_ERR_NET_TIMEOUT on
   * timeout, SY_ERR_NET_UNKNOWN_OUTBOUND for an unknown name, other coded errors otherwise.
   */
  testDelay(name: string, url: string, timeoutMs: number, expected?: string): Promise<number>;
  /**
   * Tests every member of group `name` (for /group/:name/delay); resolves to
   * the delays of the members that answered. SY_ERR_NET_UNKNOWN_OUTBOUND when
   * `name` is not a group.
   */
  testGroup(name: string, url: string, timeoutMs: number, expected?: string): Promise<Record<string, number>>;
  /** An outbound for a provider's proxy (socks5/http relay; other types unavailable). Not registered until setProviders/refreshMembers. */
  makeMember(p: ProxyConfig): Member;
  /**
   * Attach the proxy providers (config order) and compute every group's
   * members; call refreshMembers() whenever one of them changes. Provider
   * proxies are looked up by name after the config's own names (a provider
   * proxy named like a config proxy or group is shadowed; between providers the first wins).
   */
  setProviders(providers: readonly ProviderMembers[]): void;
  /** Recompute provider proxies and group members (select keeps its choice if still present). */
  refreshMembers(): void;
  /** Whether a group using proxy provider `name` picked a connection within the last `ms` (lazy health checks). */
  providerUsedWithin(name: string, ms: number): boolean;
}

export const GLOBAL = 'GLOBAL';

export function buildOutbounds(config: Pick<Config, 'proxies' | 'proxyGroups'>, deps: OutboundDeps): OutboundSet {
  const byName = new Map<string, Member>();
  // Provider proxies: replaced wholesale on every refresh; config names win.
  let fromProviders = new Map<string, Member>();
  let providers: readonly ProviderMembers[] = [];
  const lookup = (n: string): Member | undefined => byName.get(n) ?? fromProviders.get(n);
  const add = (o: Member) => {
    if (!byName.has(o.name)) byName.set(o.name, o);
  };
  const dialDeps = { ...deps, connectTimeoutMs: deps.connectTimeoutMs, udpIdleMs: deps.udpIdleMs };
  add(new DirectOutbound('DIRECT', dialDeps));
  add(rejectOutbound());
  add(rejectDropOutbound());
  add(passOutbound());
  for (const p of config.proxies) add(makeProxy(p, deps, dialDeps));
  const groupDeps = { lookup, logger: deps.logger.child({ area: 'groups' }) };
  const groups: GroupBase[] = [];
  for (const g of config.proxyGroups) {
    const grp = makeGroup(g, groupDeps, deps.state);
    groups.push(grp);
    add(grp);
  }
  const globalMembers = ['DIRECT', 'REJECT', ...config.proxies.map((p) => p.name), ...config.proxyGroups.map((g) => g.name)];
  let global: GroupBase | undefined;
  if (!byName.has(GLOBAL)) {
    global = new SelectGroup(globalConfig(globalMembers), groupDeps, deps.state);
    groups.push(global);
    byName.set(GLOBAL, global);
  }
  const base = [...byName.values()];
  let all: Member[] = base;

  const refreshMembers = (): void => {
    const next = new Map<string, Member>();
    const names = new Map<string, readonly string[]>();
    for (const p of providers) {
      const list = p.members();
      names.set(p.name, list.map((m) => m.name));
      for (const m of list) if (!byName.has(m.name) && !next.has(m.name)) next.set(m.name, m);
    }
    fromProviders = next;
    all = [...base, ...next.values()];
    const cx = {
      configProxies: config.proxies.map((p) => p.name),
      providers: names,
      typeOf: (n: string) => lookup(n)?.type,
    };
    for (const g of groups) if (g !== global && computedMembers(g.cfg)) g.setMembers(computeMembers(g.cfg, cx));
    // mihomo's GLOBAL lists provider proxies too.
    global?.setMembers([...globalMembers, ...next.keys()]);
  };

  const status = (target: string, network: Network): TargetStatus => {
    if (target === 'PASS') return 'pass';
    const o = lookup(target);
    if (!o) return 'missing';
    if (o.type === 'Pass') return 'pass';
    if (o instanceof GroupBase) {
      const p = o.pick({ network, type: 'Inner', srcIP: '', srcPort: 0, dstIP: '', dstPort: 0, host: '', sniffHost: '', dnsMode: 'normal', inboundName: '', inboundIP: '', inboundPort: 0, inboundUser: '' });
      if (p && p.leaf.type === 'Pass') return 'pass';
      if (network === 'udp' && p && !p.leaf.supportsUdp) return 'no-udp';
      return 'ok'; // no usable member: the tunnel rejects the connection
    }
    if (network === 'udp' && !o.supportsUdp) return 'no-udp';
    return 'ok';
  };

  refreshMembers(); // exclude-filter / exclude-type apply to listed members even without providers

  return {
    get: lookup,
    all: () => all,
    group: (n) => {
      const o = byName.get(n);
      return o instanceof GroupBase ? o : undefined;
    },
    status,
    start: () => groups.forEach((g) => g.start()),
    close: () => groups.forEach((g) => g.close()),
    async testGroup(name, url, timeoutMs, expected) {
      const g = byName.get(name);
      if (!(g instanceof GroupBase)) throw new SyError('SY_ERR_NET_UNKNOWN_OUTBOUND', { value: name, expected: 'a group' });
      return g.checkNow({ url, timeoutMs, expected });
    },
    makeMember: (p) => makeProxy(p, deps, dialDeps),
    setProviders(list) {
      providers = [...list];
      refreshMembers();
    },
    refreshMembers,
    providerUsedWithin(name, ms) {
      const since = Date.now() - ms;
      return groups.some((g) => (g.cfg.includeAllProviders || g.cfg.use?.includes(name)) && g.lastUsedAt() >= since);
    },
    async testDelay(name, url, timeoutMs, expected = '') {
      const o = lookup(name);
      if (!o) throw new SyError('SY_ERR_NET_UNKNOWN_OUTBOUND', { value: name });
      try {
        const d = await measureDelay(o, url || DEFAULT_TEST_URL, timeoutMs, expected);
        o.health?.record(d);
        return d;
      } catch (e) {
        o.health?.record(0);
        throw e;
      }
    },
  };
}

function makeProxy(p: ProxyConfig, deps: OutboundDeps, dialDeps: OutboundDeps): Member {
  if (!p.supported) return new UnsupportedOutbound(p);
  switch (p.type.toLowerCase()) {
    case 'socks5':
      return new Socks5Outbound(p, { ...dialDeps, logger: deps.logger.child({ outbound: p.name }) });
    case 'http':
      return new HttpOutbound(p, dialDeps);
    case 'direct':
      return new DirectOutbound(p.name, dialDeps);
    default:
      return new UnsupportedOutbound(p);
  }
}

function makeGroup(g: GroupConfig, deps: ConstructorParameters<typeof SelectGroup>[1], state: StateStore): GroupBase {
  switch (g.type) {
    case 'select':
      return new SelectGroup(g, deps, state);
    case 'url-test':
      return new UrlTestGroup(g, deps);
    case 'fallback':
      return new FallbackGroup(g, deps);
    case 'load-balance':
      return new LoadBalanceGroup(g, deps);
  }
}

function globalConfig(members: string[]): GroupConfig {
  return {
    name: GLOBAL,
    type: 'select',
    proxies: members,
    url: '',
    interval: 0,
    timeout: 5000,
    tolerance: 0,
    lazy: false,
    expectedStatus: '',
    hidden: false,
    icon: '',
    where: 'built-in GLOBAL',
  };
}

export type { Outbound };
