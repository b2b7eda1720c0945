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
}

export const GLOBAL = 'GLOBAL';

export function buildOutbounds(config: Pick<Config, 'proxies' | 'proxyGroups'>, deps: OutboundDeps): OutboundSet {
  const byName = new Map<string, Member>();
  const add = (o: Member) => {
    if (!byName.has(o.name)) byName.set(o.name, o);
  };
  const dialDeps = { ...deps, connectTimeoutMs: deps.connectTimeoutMs, udpIdleMs: deps.udpIdleMs };
  add(new DirectOutbound('DIRECT', dialDeps));
  add(rejectOutbound());
  add(rejectDropOutbound());
  add(passOutbound());
  for (const p of config.proxies) add(makeProxy(p, deps, dialDeps));
  const groupDeps = { lookup: (n: string) => byName.get(n), logger: deps.logger.child({ area: 'groups' }) };
  const groups: GroupBase[] = [];
  for (const g of config.proxyGroups) {
    const grp = makeGroup(g, groupDeps, deps.state);
    groups.push(grp);
    add(grp);
  }
  if (!byName.has(GLOBAL)) {
    const members = ['DIRECT', 'REJECT', ...config.proxies.map((p) => p.name), ...config.proxyGroups.map((g) => g.name)];
    const global = new SelectGroup(globalConfig(members), groupDeps, deps.state);
    groups.push(global);
    byName.set(GLOBAL, global);
  }
  const all = [...byName.values()];

  const status = (target: string, network: Network): TargetStatus => {
    if (target === 'PASS') return 'pass';
    const o = byName.get(target);
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

  return {
    get: (n) => byName.get(n),
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
    async testDelay(name, url, timeoutMs, expected = '') {
      const o = byName.get(name);
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
