// A behavioural in-memory ControllerDeps for route tests, built from real
// parts where they exist (the stats/ connection table and samplers, the core
// log hub, the memory store) until the engine implements the interface.
import { SyError } from '../../../main/core/errors.js';
import { createLogHub, type LogHub } from '../../../main/core/logger.js';
import { newMetadata, type Metadata } from '../../../main/core/metadata.js';
import type { DelayRecord, Outbound, OutboundGroup, OutboundType } from '../../../main/core/outbound.js';
import type { RuleInfo } from '../../../main/core/rule.js';
import { createConnectionTracker, type ConnectionTable } from '../../../main/stats/tracker.js';
import { createMemorySampler, createTrafficSampler } from '../../../main/stats/samplers.js';
import { createMemoryStore } from '../../../main/controller/storage-store.js';
import type { ApiConfigs, ApiMatchResult } from '../../../main/controller/api-types.js';
import type { ControllerDeps, RuleProviderView } from '../../../main/controller/deps.js';

function leaf(name: string, type: OutboundType, udp = true): Outbound & { hist: DelayRecord[]; isAlive: boolean } {
  const o = {
    name,
    type,
    supportsUdp: udp,
    hist: [] as DelayRecord[],
    isAlive: true,
    alive: () => o.isAlive,
    dialTcp: () => Promise.reject(new Error('not dialable in tests')),
    dialUdp: () => Promise.reject(new Error('not dialable in tests')),
    history: () => o.hist,
  };
  return o;
}

function group(name: string, type: OutboundType, members: string[]): OutboundGroup & { chosen: string; fixedTo: string } {
  const g = {
    ...leaf(name, type),
    members,
    chosen: members[0] ?? '',
    fixedTo: '',
    now: () => g.chosen,
    pick: () => null,
  };
  return g;
}

export interface FakeDeps extends ControllerDeps {
  readonly hub: LogHub;
  readonly table: ConnectionTable;
  readonly state: { configs: ApiConfigs; reloads: unknown[]; fakeIpFlushes: number; dnsFlushes: number; providerUpdates: string[] };
  /** Opens a tracked connection with settable counters; returns its controls. */
  openConnection(meta?: Partial<Metadata>): { id: string; counters: { up: number; down: number }; close(reason?: string): void; killed: () => boolean };
}

export function createFakeDeps(opts: { samplerIntervalMs?: number } = {}): FakeDeps {
  const hub = createLogHub({ level: 'debug', sink: null });
  const table = createConnectionTracker({ logger: hub.logger, historySize: 50 });
  const traffic = createTrafficSampler({ source: table, intervalMs: opts.samplerIntervalMs ?? 1000 });
  const memory = createMemorySampler({ intervalMs: opts.samplerIntervalMs ?? 1000 });

  const outbounds: Outbound[] = [
    leaf('DIRECT', 'Direct'),
    leaf('REJECT', 'Reject'),
    leaf('hk-01', 'Socks5'),
    leaf('jp/02 東京', 'Socks5', false),
    leaf('slow', 'Socks5'),
    leaf('dead', 'Socks5'),
    group('Proxy', 'Selector', ['hk-01', 'jp/02 東京', 'DIRECT']),
    group('Auto', 'URLTest', ['hk-01', 'slow', 'dead']),
    group('GLOBAL', 'Selector', ['DIRECT', 'REJECT', 'Proxy', 'Auto']),
  ];
  const byName = new Map(outbounds.map((o) => [o.name, o]));

  const rules: RuleInfo[] = [
    { index: 0, type: 'DOMAIN-SUFFIX', apiType: 'DomainSuffix', payload: 'example.com', target: 'Proxy', params: [], size: -1, where: 'config.yaml:10:5 rules[0]' },
    { index: 1, type: 'RULE-SET', apiType: 'RuleSet', payload: 'ads', target: 'REJECT', params: [], size: 120, where: 'config.yaml:11:5 rules[1]' },
    { index: 2, type: 'IP-CIDR', apiType: 'IPCIDR', payload: '203.0.113.0/24', target: 'DIRECT', params: ['no-resolve'], size: -1, where: 'config.yaml:12:5 rules[2]' },
    { index: 3, type: 'MATCH', apiType: 'Match', payload: '', target: 'Auto', params: [], size: -1, where: 'config.yaml:13:5 rules[3]' },
  ];
  const ruleStats = rules.map(() => ({ disabled: false, hitCount: 0, hitAt: 0, missCount: 0, missAt: 0 }));
  ruleStats[0] = { disabled: false, hitCount: 3, hitAt: Date.UTC(2026, 10, 22, 10, 0, 0), missCount: 1, missAt: 0 };

  const providers: RuleProviderView[] = [
    { name: 'ads', behavior: 'domain', format: 'text', vehicleType: 'HTTP', ruleCount: 120, updatedAt: Date.UTC(2026, 10, 22, 9, 0, 0), lastError: '', url: 'http://203.0.113.9/ads.txt', interval: 86400 },
    { name: 'broken', behavior: 'ipcidr', format: 'yaml', vehicleType: 'HTTP', ruleCount: 0, updatedAt: 0, lastError: 'HTTP 500', url: 'http://203.0.113.9/broken.yaml', interval: 3600 },
    { name: 'local', behavior: 'classical', format: 'yaml', vehicleType: 'Inline', ruleCount: 1, updatedAt: 1, lastError: '', payload: ['DOMAIN,a.example'] },
  ];

  const state: FakeDeps['state'] = {
    configs: {
      port: 0, 'socks-port': 0, 'redir-port': 0, 'tproxy-port': 7893, 'mixed-port': 7890, tun: { enable: false },
      'allow-lan': false, 'bind-address': '*', mode: 'rule', 'mode-list': ['rule', 'global', 'direct'], 'log-level': 'info',
      ipv6: true, 'routing-mark': 255, 'find-process-mode': 'off', sniffing: true,
      capture: { enable: false, local: true, lan: false, interfaces: [], ipv6: true, bypass: [], 'on-failure': 'open', installed: false, error: '' },
    },
    reloads: [],
    fakeIpFlushes: 0,
    dnsFlushes: 0,
    providerUpdates: [],
  };

  const deps: FakeDeps = {
    hub,
    table,
    state,
    version: '0.1.0',
    configs: () => structuredClone(state.configs),
    async patchConfigs(p) {
      const c = state.configs;
      if (p.mode) c.mode = p.mode;
      if (p.logLevel) {
        c['log-level'] = p.logLevel;
        hub.setLevel(p.logLevel);
      }
      if (p.allowLan !== undefined) c['allow-lan'] = p.allowLan;
      if (p.ipv6 !== undefined) c.ipv6 = p.ipv6;
      if (p.sniffing !== undefined) c.sniffing = p.sniffing;
      if (p.capture && c.capture) Object.assign(c.capture, p.capture);
    },
    async reload(req) {
      if (req.payload?.includes('bad:')) throw new SyError('SY_ERR_CONFIG_INVALID', { where: 'payload:1:1', detail: 'bad key' });
      if (req.path === '/nonexistent.yaml') throw new Error('ENOENT');
      state.reloads.push(req);
    },
    outbounds: {
      all: () => outbounds,
      get: (n) => byName.get(n),
      details: (n) => (n === 'Auto' ? { testUrl: 'https://www.gstatic.com/generate_204', fixed: (byName.get('Auto') as ReturnType<typeof group>).fixedTo } : n === 'hk-01' ? { server: '198.51.100.1', port: 1080 } : {}),
      select(g, m) {
        (byName.get(g) as ReturnType<typeof group>).chosen = m;
      },
      unfix(g) {
        (byName.get(g) as ReturnType<typeof group>).fixedTo = '';
      },
      async testDelay(name, o) {
        if (name === 'slow') return new Promise((_r, reject) => setTimeout(() => reject(new SyError('SY_ERR_NET_TIMEOUT', { where: name })), o.timeoutMs));
        if (name === 'dead') throw new SyError('SY_ERR_NET_DIAL', { where: name });
        const delay = 42;
        (byName.get(name) as ReturnType<typeof leaf>).hist.push({ time: new Date().toISOString(), delay });
        return delay;
      },
    },
    rules: () => ({
      rules,
      stats: (i) => ruleStats[i]!,
      setDisabled(i, d) {
        ruleStats[i]!.disabled = d;
      },
    }),
    ruleProviders: {
      list: () => providers,
      async update(name) {
        state.providerUpdates.push(name);
        if (name === 'broken') throw new SyError('SY_ERR_PROVIDER_READ', { where: name, detail: 'HTTP 500' });
      },
    },
    connections: table,
    traffic,
    memory,
    logs: hub,
    dns: {
      async query(name, qtype) {
        if (name === 'unreachable.example') throw new SyError('SY_ERR_DNS_RESOLVE', { where: '198.51.100.53', detail: 'ENETUNREACH' });
        return {
          Status: 0, Question: [{ Name: `${name}.`, Qtype: qtype, Qclass: 1 }], TC: false, RD: true, RA: true, AD: false, CD: false,
          Answer: qtype === 1 ? [{ name: `${name}.`, type: 1, TTL: 60, data: '203.0.113.7' }] : [],
        };
      },
      flushFakeIp() {
        state.fakeIpFlushes++;
      },
      flushCache() {
        state.dnsFlushes++;
      },
    },
    async match(q): Promise<ApiMatchResult> {
      if (q.host.endsWith('example.com')) return { target: 'Proxy', rule: 'DOMAIN-SUFFIX', payload: 'example.com', index: 0, chain: ['hk-01', 'Proxy'] };
      return { target: 'Auto', rule: 'MATCH', payload: '', index: 3, chain: ['hk-01', 'Auto'] };
    },
    storage: createMemoryStore(),
    openConnection(meta = {}) {
      const counters = { up: 0, down: 0 };
      let killed = false;
      const m = newMetadata({ network: 'tcp', type: 'TProxy', srcIP: '192.0.2.10', srcPort: 40000, dstIP: '203.0.113.5', dstPort: 443, host: 'www.example.com', ...meta });
      const tc = table.open({ meta: m, chains: ['hk-01', 'Proxy'], rule: 'DomainSuffix', rulePayload: 'example.com' }, { upload: () => counters.up, download: () => counters.down }, () => {
        killed = true;
        tc.closed('killed');
      });
      return { id: tc.id, counters, close: (r = 'closed') => tc.closed(r), killed: () => killed };
    },
  };
  return deps;
}
