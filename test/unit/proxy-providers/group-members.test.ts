// Group member selection as mihomo computes it, on a fixture provider with
// emoji names like real subscriptions: use:, include-all(-proxies,-providers),
// filter (several regexes split by a backtick), exclude-filter, exclude-type;
// unsupported members are skipped by select defaults, url-test and fallback.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeMembers } from '../../../main/outbound/groups/members.js';
import type { GroupConfig } from '../../../main/config/types.js';
import { build, config, type Built } from './helpers.js';

const home = mkdtempSync(join(tmpdir(), 'sy-pp-groups-'));
const built: Built[] = [];
after(() => {
  built.forEach((b) => b.close());
  rmSync(home, { recursive: true, force: true });
});

const SUB = [
  '🇭🇰 香港 01', '🇭🇰 香港 02 | IPLC', '🇯🇵 日本 01', '🇺🇲 美国 01', '🇸🇬 新加坡 01', '剩余流量：100G', '🟢 直连 备用',
];

function g(over: Partial<GroupConfig>): GroupConfig {
  return { name: 'g', type: 'select', proxies: [], url: '', interval: 0, timeout: 5000, tolerance: 0, lazy: true, expectedStatus: '*', hidden: false, icon: '', where: '', ...over };
}

const cx = {
  configProxies: ['local-socks', 'local-http'],
  providers: new Map<string, readonly string[]>([['sub', SUB], ['other', ['🇭🇰 香港 01', 'x-vmess']]]),
  typeOf: (n: string) => (n === 'x-vmess' ? 'Vmess' : n === 'local-http' ? 'Http' : n.includes('IPLC') ? 'Shadowsocks' : 'Socks5'),
};

test('use: provider proxies after the listed ones, duplicates once', () => {
  assert.deepEqual(computeMembers(g({ proxies: ['DIRECT'], use: ['sub', 'other'] }), cx), ['DIRECT', ...SUB, 'x-vmess']);
});

test('filter keeps matching provider proxies only (the listed ones always stay); backtick separates regexes, applied in turn', () => {
  assert.deepEqual(computeMembers(g({ proxies: ['DIRECT'], use: ['sub'], filter: '(?i)港|hk' }), cx), ['DIRECT', '🇭🇰 香港 01', '🇭🇰 香港 02 | IPLC']);
  assert.deepEqual(computeMembers(g({ use: ['sub'], filter: '日本`香港' }), cx), ['🇯🇵 日本 01', '🇭🇰 香港 01', '🇭🇰 香港 02 | IPLC']);
  // Clash Verge Rev's "everything but direct" negative lookahead
  assert.deepEqual(computeMembers(g({ use: ['sub'], filter: '^((?!(直连)).)*$' }), cx), SUB.filter((n) => !n.includes('直连')));
  // a class of regional indicators matches by code point (the u flag), as Go's regexp does
  assert.deepEqual(computeMembers(g({ use: ['sub'], filter: '^[🇯🇸]' }), cx), ['🇯🇵 日本 01', '🇸🇬 新加坡 01']);
  assert.deepEqual(computeMembers(g({ use: ['sub'], filter: '^(🇯🇵|🇸🇬)' }), cx), ['🇯🇵 日本 01', '🇸🇬 新加坡 01']);
});

test('exclude-filter and exclude-type drop members from the whole list, listed ones included', () => {
  assert.deepEqual(computeMembers(g({ proxies: ['剩余流量：100G'], use: ['sub'], excludeFilter: '剩余|直连' }), cx), ['🇭🇰 香港 01', '🇭🇰 香港 02 | IPLC', '🇯🇵 日本 01', '🇺🇲 美国 01', '🇸🇬 新加坡 01']);
  assert.deepEqual(computeMembers(g({ use: ['other'], excludeType: 'vmess' }), cx), ['🇭🇰 香港 01']);
  assert.deepEqual(computeMembers(g({ use: ['sub'], filter: '香港', excludeType: 'Shadowsocks|HTTP' }), cx), ['🇭🇰 香港 01']);
  assert.deepEqual(computeMembers(g({ proxies: ['local-http', 'local-socks'], excludeType: 'ss|http' }), cx), ['local-socks'], 'config spellings work too');
});

test('include-all-proxies adds the config proxies (filtered when a filter is set); include-all-providers uses every provider', () => {
  assert.deepEqual(computeMembers(g({ includeAllProxies: true }), cx), ['local-socks', 'local-http']);
  assert.deepEqual(computeMembers(g({ includeAllProxies: true, filter: 'http' }), cx), ['local-http']);
  assert.deepEqual(computeMembers(g({ includeAllProviders: true, filter: '🇭🇰' }), cx), ['🇭🇰 香港 01', '🇭🇰 香港 02 | IPLC']);
  assert.deepEqual(computeMembers(g({ includeAllProxies: true, includeAllProviders: true, excludeFilter: '^(?!local)' }), cx), ['local-socks', 'local-http']);
});

test('a group whose filter leaves nothing has no members (and so no usable member)', () => {
  assert.deepEqual(computeMembers(g({ use: ['sub'], filter: 'nothing-matches' }), cx), []);
  assert.deepEqual(computeMembers(g({ use: ['missing'] }), cx), []);
});

test('unsupported members (from a provider) are skipped by select defaults, url-test and fallback', async () => {
  const yaml = [
    'proxy-providers:',
    '  p:',
    '    type: inline',
    '    payload:',
    '      - {name: "🇭🇰 vmess", type: vmess, server: 203.0.113.1, port: 443}',
    '      - {name: "🇭🇰 trojan", type: trojan, server: 203.0.113.2, port: 443}',
    '      - {name: "🇭🇰 socks", type: socks5, server: 127.0.0.1, port: 1}',
    'proxy-groups:',
    '  - {name: sel, type: select, use: [p]}',
    '  - {name: ut, type: url-test, use: [p], lazy: true}',
    '  - {name: fb, type: fallback, use: [p], lazy: true}',
    '  - {name: none, type: fallback, use: [p], filter: "vmess|trojan", lazy: true}',
    'rules: ["MATCH,sel"]',
  ].join('\n');
  const b = await build(config(yaml, home));
  built.push(b);
  const meta = { network: 'tcp', type: 'Inner' } as never;
  for (const name of ['sel', 'ut', 'fb']) {
    const grp = b.outbounds.group(name)!;
    assert.equal(grp.members.length, 3, name);
    assert.deepEqual(grp.pick(meta)?.chain, ['🇭🇰 socks', name], name);
  }
  assert.equal(b.outbounds.group('sel')!.now(), '🇭🇰 socks');
  assert.deepEqual(b.outbounds.group('none')!.members, ['🇭🇰 vmess', '🇭🇰 trojan']);
  assert.equal(b.outbounds.group('none')!.pick(meta), null, 'no usable member: the tunnel rejects');
  assert.equal(b.outbounds.group('none')!.alive(), false);
});

test('a select choice stored for a provider proxy is honoured once the provider has loaded', async () => {
  const { memoryStateStore } = await import('../../../main/outbound/state-store.js');
  const yaml = 'proxy-providers:\n  p: {type: inline, payload: [{name: a, type: socks5, server: 127.0.0.1, port: 1}, {name: b, type: socks5, server: 127.0.0.1, port: 2}]}\nproxy-groups:\n  - {name: sel, type: select, use: [p]}\n';
  const b = await build(config(yaml, home), { state: memoryStateStore({ 'select:sel': 'b' }) });
  built.push(b);
  assert.equal(b.outbounds.group('sel')!.now(), 'b');
});

test('exclude-type and exclude-filter apply to listed members of a group without providers', async () => {
  const yaml = [
    'proxies:',
    '  - {name: "s1", type: socks5, server: 127.0.0.1, port: 1}',
    '  - {name: "h1", type: http, server: 127.0.0.1, port: 2}',
    '  - {name: "old s2", type: socks5, server: 127.0.0.1, port: 3}',
    'proxy-groups:',
    '  - {name: g, type: select, proxies: [s1, h1, "old s2", DIRECT], exclude-type: Http, exclude-filter: "^old"}',
  ].join('\n');
  const b = await build(config(yaml, home));
  built.push(b);
  assert.deepEqual(b.outbounds.group('g')!.members, ['s1', 'DIRECT']);
});
