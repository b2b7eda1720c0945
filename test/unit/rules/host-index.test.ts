// The HostIndex (main/rules/sets/host-index.ts) answers every host-name rule
// of a list at once: DOMAIN / DOMAIN-SUFFIX / DOMAIN-KEYWORD rules, the names
// and keywords of domain and classical rule sets and of GEOSITE categories.
// Whatever the list, the engine must decide exactly as it does rule by rule
// without the index — with PASS, disabled rules, and after a provider's data
// changed under it (before and after the index is rebuilt).
import test from 'node:test';
import assert from 'node:assert/strict';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import type { Metadata } from '../../../main/core/metadata.js';
import type { RuleProviderStatus, RuleSetProvider } from '../../../main/core/provider.js';
import type { RuleSetMatcher } from '../../../main/core/rule.js';
import { decodeGeoSite, encodeGeoSite, DOMAIN_TYPE as GT } from '../../../main/geodata/geosite.js';
import { parseProvider } from '../../../main/providers/provider.js';
import { compileRules, type CompiledEngine } from '../../../main/rules/engine.js';
import { NO_GEOIP } from '../../../main/rules/geoip.js';
import { configTargetCheck } from '../../../main/rules/targets.js';
import { HostIndex, NONE } from '../../../main/rules/sets/host-index.js';
import { MatchCtx, nameHash } from '../../../main/rules/ctx.js';
import { DOT } from '../../../main/rules/sets/domain-set.js';
import { configOf, meta, PROXIES, tableResolver } from './helpers.js';

let seed = 424242;
const rnd = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;

// A small universe of names, so random rules and random hosts meet often.
const BASES = ['a.example', 'b.example', 'c.test', 'x.a.example', 'www.b.example', 'ads.c.test', 'example', 'test'];
const HOSTS = [...BASES, 'www.a.example', 'y.x.a.example', 'cdn.ads.c.test', 'q.example', 'zz.test', 'adsb.example', 'a', 'nowhere.invalid'];
const KEYWORDS = ['ads', 'www', 'b.ex', 'zz', 'x.a'];
const wild = () => pick(['', '+.', '.', '*.']) + pick(BASES);

/** A RuleSetProvider whose data the test swaps (as an HTTP update would). */
class SwapProvider implements RuleSetProvider {
  cur: RuleSetMatcher;
  constructor(readonly name: string, private readonly behavior: 'domain' | 'classical', lines: string[]) {
    this.cur = this.parse(lines);
  }
  parse(lines: string[]): RuleSetMatcher {
    const cfg = { name: this.name, type: 'inline', behavior: this.behavior, format: 'text', path: '', url: '', interval: 0, where: this.name } as never;
    return parseProvider(cfg, lines).matcher;
  }
  swap(lines: string[]): void {
    this.cur = this.parse(lines);
  }
  current(): RuleSetMatcher {
    return this.cur;
  }
  status(): RuleProviderStatus {
    return { name: this.name } as RuleProviderStatus;
  }
  async load(): Promise<void> {}
  async update(): Promise<void> {}
}

const domainLines = () => Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => (rnd() < 0.1 ? pick(['*', 'a.*.example', '*.*.test']) : wild()));
const classicalLines = () =>
  Array.from({ length: 1 + Math.floor(rnd() * 6) }, () =>
    pick([
      () => `DOMAIN,${pick(HOSTS)}`,
      () => `DOMAIN-SUFFIX,${pick(BASES)}`,
      () => `DOMAIN-KEYWORD,${pick(KEYWORDS)}`,
      () => `IP-CIDR,${pick(['192.0.2.0/25', '198.51.100.0/24'])},no-resolve`,
      () => `DST-PORT,${pick(['80', '443'])}`,
    ])(),
  );

const GEOSITE = decodeGeoSite(
  encodeGeoSite({
    ONE: [
      { type: GT.Domain, value: 'a.example' },
      { type: GT.Full, value: 'www.b.example' },
      { type: GT.Plain, value: 'zz' },
      { type: GT.Regex, value: '^cdn\\.' },
    ],
    TWO: [{ type: GT.Domain, value: 'test' }],
  }),
  'test.dat',
);

function genRule(): string {
  const t = pick(['G', 'P', 'DIRECT', 'REJECT', 'PASS', 'TCPONLY']);
  return pick([
    () => `DOMAIN,${pick(HOSTS)},${t}`,
    () => `DOMAIN-SUFFIX,${pick(BASES)},${t}`,
    () => `DOMAIN-KEYWORD,${pick(KEYWORDS)},${t}`,
    () => `RULE-SET,d${Math.floor(rnd() * 3)},${t}`,
    () => `RULE-SET,c${Math.floor(rnd() * 2)},${t}`,
    () => `GEOSITE,${pick(['one', 'TWO'])},${t}`,
    () => `IP-CIDR,${pick(['192.0.2.0/24', '203.0.113.0/24'])},${t},no-resolve`,
    () => `DST-PORT,${pick(['80', '443'])},${t}`,
  ])();
}

function build(rules: string[], providers: Map<string, RuleSetProvider>, hostIndex: boolean): CompiledEngine {
  const extra =
    'rule-providers:\n' +
    ['d0', 'd1', 'd2'].map((n) => `  ${n}: {type: inline, behavior: domain, payload: ['x.invalid']}\n`).join('') +
    ['c0', 'c1'].map((n) => `  ${n}: {type: inline, behavior: classical, payload: ['DOMAIN,x.invalid']}\n`).join('');
  const yaml = PROXIES + extra + 'rules:\n' + rules.map((r) => `  - ${JSON.stringify(r)}`).join('\n') + '\n';
  const config = configOf(yaml);
  return compileRules(config, { geoip: NO_GEOIP, providers, targets: configTargetCheck(config), logger: NULL_LOGGER, geosite: GEOSITE, hostIndex });
}

async function same(fast: CompiledEngine, slow: CompiledEngine, label: string, queries = 60): Promise<void> {
  for (let q = 0; q < queries; q++) {
    const conn: Partial<Metadata> = {
      host: rnd() < 0.9 ? pick(HOSTS) : '',
      dstIP: rnd() < 0.3 ? pick(['192.0.2.9', '203.0.113.5', '198.51.100.7']) : '',
      dstPort: pick([80, 443, 8080]),
      network: rnd() < 0.7 ? 'tcp' : 'udp',
    };
    if (!conn.host && !conn.dstIP) conn.dstIP = '192.0.2.9';
    const table = { [conn.host ?? '']: ['203.0.113.5'] };
    const a = await fast.decide(meta(conn), { resolver: tableResolver(table) });
    const b = await slow.decide(meta(conn), { resolver: tableResolver(table) });
    const l = `${label}\nconn ${JSON.stringify(conn)}`;
    assert.equal(a.rule?.index, b.rule?.index, l);
    assert.equal(a.target, b.target, l);
  }
}

test('with the HostIndex the engine decides exactly as rule by rule (randomised lists, PASS, disabled rules)', async () => {
  for (let round = 0; round < 60; round++) {
    const providers = new Map<string, RuleSetProvider>();
    const lines = new Map<string, string[]>();
    for (const n of ['d0', 'd1', 'd2']) lines.set(n, domainLines());
    for (const n of ['c0', 'c1']) lines.set(n, classicalLines());
    for (const [n, l] of lines) providers.set(n, new SwapProvider(n, n.startsWith('d') ? 'domain' : 'classical', l));
    const rules = [...Array.from({ length: 4 + Math.floor(rnd() * 24) }, genRule), 'MATCH,DIRECT'];
    const fast = build(rules, providers, true);
    const slow = build(rules, providers, false);
    for (let i = 0; i < rules.length; i++) {
      if (rnd() < 0.1) {
        fast.setDisabled(i, true);
        slow.setDisabled(i, true);
      }
    }
    const label = `rules:\n  ${rules.join('\n  ')}\nsets ${JSON.stringify([...lines])}`;
    await same(fast, slow, label);
    // A provider's data changes under the running engines: still the same
    // decisions while the index is stale, and after it is rebuilt.
    const victim = pick(['d0', 'd1', 'd2', 'c0', 'c1']);
    const next = victim.startsWith('d') ? domainLines() : classicalLines();
    (providers.get(victim) as SwapProvider).swap(next);
    const label2 = `${label}\nafter ${victim} := ${JSON.stringify(next)}`;
    await same(fast, slow, label2, 30);
    fast.refreshHostIndex();
    await same(fast, slow, label2, 30);
  }
});

test('HostIndex.first: the smallest rule index per suffix position, keywords included', () => {
  const ix = new HostIndex(4);
  ix.addSuffix('example.com', 7); // +. : the name and every subdomain
  ix.addExact('www.example.com', 9);
  ix.addName('example.com', nameHash('example.com'), DOT, 3); // "." (DOT): subdomains only
  ix.addKeyword('ads', 5);
  ix.seal();
  const first = (h: string) => {
    const c = new MatchCtx().reset();
    c.refresh(meta({ host: h }), { resolved: false, processLooked: false });
    return ix.first(c);
  };
  assert.equal(first('example.com'), 7, 'the name itself: PLUS (7) matches, DOT (3) does not');
  assert.equal(first('www.example.com'), 3, 'a subdomain: DOT at 3 is the smallest');
  assert.equal(first('ads.net'), 5, 'keyword');
  assert.equal(first('other.org'), NONE);
});
