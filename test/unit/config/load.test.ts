// parseConfig / loadConfig: defaults, freezing, YAML anchors and merge keys,
// ignored and unknown keys, unsupported proxy types, providers and the
// injected rule validator.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, loadConfigOrThrow, parseConfig } from '../../../main/config/load.js';
import { SyError, SyErrorList } from '../../../main/core/errors.js';
import type { Config } from '../../../main/config/types.js';

const DIR = '/tmp/sy-config-test';
const FILE = `${DIR}/config.yaml`;

function ok(yaml: string, opts = {}): { config: Config; warnings: SyError[] } {
  const r = parseConfig(yaml, FILE, opts);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  assert.ok(r.config);
  return { config: r.config, warnings: r.warnings };
}

test('an empty document, {} and a rules-only file are valid and get every default', () => {
  for (const yaml of ['', '{}', '# just a comment\n', 'rules:\n  - MATCH,DIRECT\n']) {
    const { config: c, warnings } = ok(yaml);
    assert.deepEqual(warnings, []);
    assert.equal(c.file, FILE);
    assert.equal(c.home, DIR);
    assert.equal(c.mode, 'rule');
    assert.equal(c.logLevel, 'info');
    assert.equal(c.mixedPort, 7890);
    assert.equal(c.tproxyPort, 7893);
    assert.equal(c.allowLan, false);
    assert.equal(c.bindAddress, '*');
    assert.equal(c.externalController, '127.0.0.1:9090');
    assert.equal(c.secret, '');
    assert.equal(c.findProcessMode, 'strict');
    assert.equal(c.geoipDatabase, '');
    assert.deepEqual(c.dns.nameserver, []);
    assert.equal(c.dns.enable, false);
    assert.equal(c.dns.listen, '127.0.0.1:1053');
    assert.equal(c.dns.enhancedMode, 'fake-ip');
    assert.equal(c.dns.fakeIpRange, '198.18.0.1/16');
    assert.deepEqual(c.capture, {
      enable: false, local: true, lan: false, interfaces: [], ipv6: true, bypass: [], onFailure: 'open',
      excludeInterfaces: ['docker*', 'veth*', 'br-*'], mark: 0x2d0, table: 720, dnsRedirect: true, deadmanSeconds: 5,
    });
    assert.deepEqual(c.proxies, []);
    assert.deepEqual(c.ignored, []);
  }
});

test('the default routing-mark is mihomo 6666 with capture.mark bits cleared, so marks never overlap', () => {
  const c = ok('{}').config;
  assert.equal(c.routingMark, 6666 & ~0x2d0);
  assert.equal(c.routingMark & c.capture.mark, 0);
  const custom = ok('capture: {mark: 0x1000}\n').config;
  assert.equal(custom.routingMark, 6666 & ~0x1000);
  assert.equal(ok('routing-mark: 6666\ncapture: {mark: 0x1}\n').config.routingMark, 6666);
});

test('the result is deeply frozen: mutation throws', () => {
  const c = ok('proxies:\n  - {name: up, type: socks5, server: 198.51.100.1, port: 1080}\nrules: ["MATCH,up"]\n').config;
  assert.throws(() => ((c as { mode: string }).mode = 'global'), TypeError);
  assert.throws(() => (c.proxies as unknown[]).push({}), TypeError);
  assert.throws(() => ((c.proxies[0] as { port: number }).port = 1), TypeError);
  assert.throws(() => ((c.capture.excludeInterfaces as string[])[0] = 'x'), TypeError);
  assert.throws(() => ((c.dns as { listen: string }).listen = 'x'), TypeError);
});

test('values are read as Clash reads them: case-insensitive mode, hex marks, numeric passwords as text', () => {
  const c = ok(['mode: Global', 'routing-mark: 0x1000', 'log-level: DEBUG',
    'proxies:', '  - {name: up, type: SOCKS5, server: 198.51.100.1, port: 1080, username: u, password: 0123, udp: true}', ''].join('\n')).config;
  assert.equal(c.mode, 'global');
  assert.equal(c.logLevel, 'debug');
  assert.equal(c.routingMark, 0x1000);
  assert.deepEqual({ ...c.proxies[0] }, {
    name: 'up', type: 'socks5', supported: true, server: '198.51.100.1', port: 1080, username: 'u', password: '0123',
    udp: true, tls: false, skipCertVerify: false, where: `${FILE}:5:5 proxies[0]`,
  });
});

test('anchors, aliases and merge keys work; explicit keys win over merged ones', () => {
  const yaml = [
    'base: &base {type: socks5, server: 198.51.100.1, port: 1080, udp: true}',
    'probe: &probe',
    '  url: http://203.0.113.1/generate_204',
    '  interval: 60',
    'proxies:',
    '  - {<<: *base, name: a}',
    '  - {<<: *base, name: b, port: 1081}',
    'proxy-groups:',
    '  - name: auto',
    '    type: url-test',
    '    <<: *probe',
    '    interval: 30',
    '    proxies: &members [a, b]',
    '  - {name: pick, type: select, proxies: *members}',
    "rules: ['MATCH,auto']",
    '',
  ].join('\n');
  const { config: c, warnings } = ok(yaml);
  assert.deepEqual(c.proxies.map((p) => [p.name, p.port, p.udp]), [['a', 1080, true], ['b', 1081, true]]);
  assert.equal(c.proxyGroups[0]!.url, 'http://203.0.113.1/generate_204');
  assert.equal(c.proxyGroups[0]!.interval, 30);
  assert.deepEqual(c.proxyGroups[1]!.proxies, ['a', 'b']);
  // The anchor-holder keys are not Clash keys: one warning each.
  assert.deepEqual(warnings.map((w) => [w.code, w.context.value]), [['SY_ERR_CONFIG_UNKNOWN_KEY', 'base'], ['SY_ERR_CONFIG_UNKNOWN_KEY', 'probe']]);
});

test('an alias bomb stays linear (aliases share the converted node)', () => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 30; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  const t0 = Date.now();
  const r = parseConfig(lines.join('\n') + '\n', FILE);
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(r.errors.length, 0);
  assert.equal(r.warnings.length, 30);
});

test('ignored Clash keys are reported once each, located, and listed in config.ignored', () => {
  const { config: c, warnings } = ok('port: 7890\nsocks-port: 7891\ntun: {enable: true}\ncfw-bypass: [a]\ndns:\n  prefer-h3: true\n');
  assert.deepEqual(c.ignored.map((i) => i.key), ['port', 'socks-port', 'tun', 'cfw-bypass', 'dns.prefer-h3']);
  assert.deepEqual(c.ignored.map((i) => i.where), [`${FILE}:1:1 port`, `${FILE}:2:1 socks-port`, `${FILE}:3:1 tun`, `${FILE}:4:1 cfw-bypass`, `${FILE}:6:3 dns.prefer-h3`]);
  assert.equal(warnings.length, 5);
  assert.ok(warnings.every((w) => w.code === 'SY_ERR_CONFIG_IGNORED_KEY'));
});

test('unknown keys warn with a "did you mean" suggestion when close to a known key', () => {
  const { warnings } = ok('mixed_port: 1\nexternal-controler: 127.0.0.1:9\nzzz: 1\ncapture:\n  enabel: true\n');
  assert.equal(warnings.length, 4);
  assert.match(warnings[0]!.message, /1:1 mixed_port: .*did you mean "mixed-port"/);
  assert.match(warnings[1]!.message, /did you mean "external-controller"/);
  assert.doesNotMatch(warnings[2]!.message, /did you mean/);
  assert.match(warnings[3]!.message, /5:3 capture.enabel: .*did you mean "enable"/);
});

test('a key missing the space after its colon is pointed out', () => {
  const { warnings } = ok('proxy-groups:\n  - {\n      name: g,\n      type: select,\n      interval:180,\n      proxies: [DIRECT],\n    }\n');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /5:7 proxy-groups\[0\]\.interval:180: .*space is missing.*"interval: 180"/);
});

for (const type of ['ss', 'ssr', 'vmess', 'vless', 'trojan', 'hysteria', 'hysteria2', 'tuic', 'wireguard', 'snell']) {
  test(`proxy type ${type} loads as unsupported with one located warning, not an error`, () => {
    const yaml = `proxies:\n  - {name: n1, type: ${type}, server: 198.51.100.7, port: 443, cipher: x, uuid: y}\nproxy-groups:\n  - {name: g, type: select, proxies: [n1, DIRECT]}\nrules: ['MATCH,n1']\n`;
    const { config: c, warnings } = ok(yaml);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.code, 'SY_ERR_CONFIG_UNSUPPORTED_PROXY');
    assert.ok(warnings[0]!.message.startsWith(`${FILE}:2:22 proxies[0].type:`), warnings[0]!.message);
    assert.deepEqual([c.proxies[0]!.name, c.proxies[0]!.type, c.proxies[0]!.supported, c.proxies[0]!.server, c.proxies[0]!.port], ['n1', type, false, '198.51.100.7', 443]);
  });
}

test('a relay group loads as an unavailable outbound with one warning', () => {
  const { config: c, warnings } = ok('proxy-groups:\n  - {name: chain, type: relay, proxies: [DIRECT]}\nrules: ["MATCH,chain"]\n');
  assert.deepEqual(c.proxyGroups, []);
  assert.deepEqual([c.proxies[0]!.name, c.proxies[0]!.type, c.proxies[0]!.supported], ['chain', 'relay', false]);
  assert.deepEqual(warnings.map((w) => w.code), ['SY_ERR_CONFIG_UNSUPPORTED_PROXY']);
});

test('groups: defaults per type; provider options are read (no warning)', () => {
  const { config: c, warnings } = ok('proxy-providers:\n  p1: {type: inline, payload: []}\nproxy-groups:\n  - {name: a, type: url-test, proxies: [DIRECT]}\n  - {name: s, type: select, use: [p1], filter: HK}\n');
  assert.deepEqual({ ...c.proxyGroups[0], where: '' }, {
    name: 'a', type: 'url-test', proxies: ['DIRECT'], url: 'https://www.gstatic.com/generate_204', interval: 300, timeout: 5000,
    tolerance: 0, lazy: true, expectedStatus: '*', hidden: false, icon: '', where: '',
  });
  assert.equal(c.proxyGroups[1]!.interval, 0);
  assert.deepEqual([c.proxyGroups[1]!.use, c.proxyGroups[1]!.filter], [['p1'], 'HK']);
  assert.deepEqual(warnings, []);
});

test('a three-group cycle is reported once with its path', () => {
  const r = parseConfig('proxy-groups:\n  - {name: a, type: select, proxies: [b]}\n  - {name: b, type: fallback, proxies: [c, DIRECT]}\n  - {name: c, type: select, proxies: [a]}\n', FILE);
  const cycles = r.errors.filter((e) => e.code === 'SY_ERR_CONFIG_GROUP_CYCLE');
  assert.equal(cycles.length, 1);
  assert.match(cycles[0]!.message, /4:39 proxy-groups\[2\]\.proxies\[0\]: .*"a -> b -> c -> a"/);
});

test('a rule target differing only in case suggests the defined name', () => {
  const r = parseConfig('proxy-groups:\n  - {name: Proxy, type: select, proxies: [DIRECT]}\nrules: ["MATCH,PROXY"]\n', FILE);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0]!.message, /did you mean "Proxy"/);
});

test('rule providers: paths resolve against home; http gets a default path inside home', () => {
  const yaml = [
    'rule-providers:',
    '  ads: {type: http, behavior: domain, url: "https://example.com/ads.txt", format: text, interval: 86400, proxy: DIRECT, size-limit: 1000, header: {User-Agent: [sy]}}',
    '  cn: {type: http, behavior: ipcidr, url: "https://example.com/cn.yaml", path: ./lists/cn.yaml}',
    '  local: {type: file, behavior: classical, path: /etc/switchyard/local.yaml}',
    '  mine: {type: inline, behavior: classical, payload: ["DOMAIN-SUFFIX,example.org", "IP-CIDR,192.0.2.0/24,no-resolve"]}',
    'rules: ["RULE-SET,ads,REJECT", "RULE-SET,mine,DIRECT", "MATCH,DIRECT"]',
    '',
  ].join('\n');
  const c = ok(yaml, { home: '/srv/sy' }).config;
  assert.equal(c.home, '/srv/sy');
  const p = c.ruleProviders;
  assert.deepEqual([p.ads!.path, p.ads!.format, p.ads!.interval, p.ads!.proxy, p.ads!.sizeLimit, p.ads!.header], ['/srv/sy/ruleset/ads.txt', 'text', 86400, 'DIRECT', 1000, { 'User-Agent': ['sy'] }]);
  assert.equal(p.cn!.path, '/srv/sy/lists/cn.yaml');
  assert.equal(p.local!.path, '/etc/switchyard/local.yaml');
  assert.deepEqual([p.mine!.type, p.mine!.path, p.mine!.payload], ['inline', '', ['DOMAIN-SUFFIX,example.org', 'IP-CIDR,192.0.2.0/24,no-resolve']]);
  assert.equal(p.ads!.format, 'text');
});

test('http provider paths that escape home are refused, also through symlink-free absolute paths', () => {
  for (const path of ['../x.yaml', '/etc/passwd', 'a/../../x.yaml', '.']) {
    const r = parseConfig(`rule-providers:\n  x: {type: http, behavior: domain, url: "https://example.com/x", path: "${path}"}\n`, FILE);
    assert.deepEqual(r.errors.map((e) => e.code), ['SY_ERR_CONFIG_PATH_TRAVERSAL'], path);
  }
});

test('controller: a secret makes 0.0.0.0 acceptable; ":port" means every interface', () => {
  ok('external-controller: 0.0.0.0:9090\nsecret: s3\n');
  ok('external-controller: "[::1]:9090"\n');
  ok('external-controller: ""\n');
  const r = parseConfig('external-controller: ":9090"\n', FILE);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings.map((e) => e.code), ['SY_ERR_CONFIG_INSECURE_CONTROLLER']);
  assert.equal(r.config?.externalController, '127.0.0.1:9090', 'no secret: the controller falls back to loopback, never open');
});

test('controller on 0.0.0.0 without a secret: a located warning, and it binds loopback instead', () => {
  const r = parseConfig('mixed-port: 7890\nexternal-controller: 0.0.0.0:9191\n', FILE);
  assert.deepEqual(r.errors, []);
  const w = r.warnings.find((e) => e.code === 'SY_ERR_CONFIG_INSECURE_CONTROLLER');
  assert.ok(w);
  assert.match(w.message, /:2:22 external-controller/);
  assert.match(w.message, /"0\.0\.0\.0:9191"/);
  assert.match(w.message, /binds 127\.0\.0\.1:9191 instead/);
  assert.equal(r.config?.externalController, '127.0.0.1:9191');
});

test('rules keep their position; the injected validator sees every split rule and its errors are collected', () => {
  const seen: string[] = [];
  const r = parseConfig('rules:\n  - DOMAIN,a.example,DIRECT\n  - BOGUS,x,DIRECT\n  - MATCH,DIRECT\n', FILE, {
    validateRule: (rule, where, index) => {
      seen.push(`${index}:${rule.type}:${where}`);
      return rule.type === 'BOGUS' ? [new SyError('SY_ERR_RULE_SYNTAX', { where, value: rule.type, expected: 'a known rule type' })] : [];
    },
  });
  assert.deepEqual(seen, [`0:DOMAIN:${FILE}:2:5 rules[0]`, `1:BOGUS:${FILE}:3:5 rules[1]`, `2:MATCH:${FILE}:4:5 rules[2]`]);
  assert.deepEqual(r.errors.map((e) => e.code), ['SY_ERR_RULE_SYNTAX']);
  assert.equal(r.config, null);
  const c = ok('rules:\n  - DOMAIN,a.example,DIRECT\n').config;
  assert.deepEqual(c.rules, [{ raw: 'DOMAIN,a.example,DIRECT', where: `${FILE}:2:5 rules[0]` }]);
});

test('dns and capture blocks are read with their Clash names', () => {
  const c = ok([
    'dns:', '  enable: true', '  listen: 127.0.0.1:5353', '  ipv6: true', '  enhanced-mode: redir-host',
    '  fake-ip-filter: ["*.lan", "+.example.com"]', '  nameserver: [198.51.100.53, "tls://dns.example:853", "https://dns.example/dns-query"]',
    '  default-nameserver: [198.51.100.53]', '  fallback: ["tcp://198.51.100.54:53"]', '  nameserver-policy: {"+.corp.example": 192.0.2.53, "geosite:cn": [198.51.100.53]}',
    '  use-hosts: false', 'hosts: {router.lan: 192.0.2.1, "+.dev.example": [192.0.2.2, "2001:db8::2"]}',
    'sniffer: {enable: true, timeout: 150}',
    'capture: {enable: true, lan: true, interfaces: [eth1], bypass: ["198.51.100.0/24", "2001:db8::/32"], on-failure: closed, exclude-interfaces: [docker*], mark: 0x100, table: 100, dns-redirect: false, deadman-seconds: 10}',
    '',
  ].join('\n')).config;
  assert.equal(c.dns.listen, '127.0.0.1:5353');
  assert.equal(c.dns.enhancedMode, 'redir-host');
  assert.deepEqual(c.dns.nameserverPolicy, { '+.corp.example': ['192.0.2.53'], 'geosite:cn': ['198.51.100.53'] });
  assert.equal(c.dns.useHosts, false);
  assert.deepEqual(c.hosts, { 'router.lan': ['192.0.2.1'], '+.dev.example': ['192.0.2.2', '2001:db8::2'] });
  assert.deepEqual(c.sniffer, { enable: true, timeoutMs: 150 });
  assert.deepEqual({ ...c.capture }, {
    enable: true, local: true, lan: true, interfaces: ['eth1'], ipv6: true, bypass: ['198.51.100.0/24', '2001:db8::/32'], onFailure: 'closed',
    excludeInterfaces: ['docker*'], mark: 0x100, table: 100, dnsRedirect: false, deadmanSeconds: 10,
  });
});

const tmp = mkdtempSync(join(tmpdir(), 'sy-config-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('loadConfig reads the file; home is its directory; a missing file is SY_ERR_CONFIG_READ', async () => {
  const f = join(tmp, 'config.yaml');
  writeFileSync(f, 'mode: direct\n');
  const r = await loadConfig(f);
  assert.equal(r.config?.mode, 'direct');
  assert.equal(r.config?.home, tmp);
  const missing = await loadConfig(join(tmp, 'nope.yaml'));
  assert.equal(missing.config, null);
  assert.equal(missing.errors[0]!.code, 'SY_ERR_CONFIG_READ');
  assert.ok(missing.errors[0]!.message.includes('nope.yaml'));
});

test('loadConfigOrThrow throws one SyErrorList carrying every error', async () => {
  const f = join(tmp, 'bad.yaml');
  writeFileSync(f, 'mixed-port: x\nmode: y\n');
  await assert.rejects(loadConfigOrThrow(f), (e: unknown) => {
    assert.ok(e instanceof SyErrorList);
    assert.equal(e.code, 'SY_ERR_CONFIG_INVALID');
    assert.equal(e.errors.length, 2);
    assert.ok(e.message.includes(`${f}:1:13 mixed-port`));
    return true;
  });
  const good = join(tmp, 'good.yaml');
  writeFileSync(good, 'tun: {enable: true}\n');
  const { config, warnings } = await loadConfigOrThrow(good);
  assert.equal(config.mode, 'rule');
  assert.equal(warnings.length, 1);
});

test('options repeated on many proxies or groups are warned once, at the first use, naming every owner', () => {
  const yaml = [
    'proxies:',
    '  - {name: a, type: socks5, server: 198.51.100.1, port: 1, tfo: true}',
    '  - {name: b, type: socks5, server: 198.51.100.2, port: 1, tfo: true}',
    'proxy-groups:',
    '  - {name: g1, type: select, proxies: [a], disable-udp: true}',
    '  - {name: g2, type: select, proxies: [b], disable-udp: true}',
    '',
  ].join('\n');
  const { config: c, warnings } = ok(yaml);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!.message, /2:60 proxies\[0\]\.tfo: .*"tfo".*2 proxy\(ies\): a, b/);
  assert.match(warnings[1]!.message, /5:44 proxy-groups\[0\]\.disable-udp: .*"disable-udp".*2 group\(s\): g1, g2/);
  assert.deepEqual(c.ignored.map((i) => i.key), ['proxies[].tfo']);
});

test('pre-1.0 Clash keys (Proxy, Proxy Group, Rule) warn with their new names', () => {
  const { warnings } = ok('Proxy: []\nProxy Group: []\nRule: []\n');
  assert.deepEqual(warnings.map((w) => w.context.expected), ['"proxies:"', '"proxy-groups:"', '"rules:"']);
  assert.match(warnings[0]!.message, /1:1 Proxy: .*old Clash key/);
});

test('provider keys of another provider type are warned about and ignored', () => {
  const { config: c, warnings } = ok('rule-providers:\n  a: {type: inline, behavior: domain, payload: [a.example], path: x.yaml, url: "https://example.com/x"}\n  b: {type: file, behavior: domain, path: b.yaml, payload: [b.example]}\n');
  assert.deepEqual(warnings.map((w) => [w.code, w.context.where]), [
    ['SY_ERR_CONFIG_IGNORED_OPTION', `${FILE}:2:61 rule-providers.a.path`],
    ['SY_ERR_CONFIG_IGNORED_OPTION', `${FILE}:2:75 rule-providers.a.url`],
    ['SY_ERR_CONFIG_IGNORED_OPTION', `${FILE}:3:51 rule-providers.b.payload`],
  ]);
  assert.deepEqual([c.ruleProviders.a!.path, c.ruleProviders.a!.url, c.ruleProviders.b!.payload], ['', '', []]);
});

test('fake-ip-filter: bad patterns are skipped with a warning; rule-set references must exist', () => {
  const { config: c, warnings } = ok('dns:\n  fake-ip-filter: ["*.lan", "bad..name", "rule-set:ads"]\nrule-providers:\n  ads: {type: inline, behavior: domain, payload: [a.example]}\n');
  assert.deepEqual(c.dns.fakeIpFilter, ['*.lan', 'rule-set:ads']);
  assert.deepEqual(warnings.map((w) => [w.code, w.context.where]), [['SY_ERR_CONFIG_BAD_PATTERN', `${FILE}:2:29 dns.fake-ip-filter[1]`]]);
  const r = parseConfig('dns:\n  nameserver-policy: {"rule-set:nope": 192.0.2.53}\n', FILE);
  assert.deepEqual(r.errors.map((e) => [e.code, e.context.value]), [['SY_ERR_CONFIG_UNKNOWN_PROVIDER', 'nope']]);
});

test('a validator that throws costs only its own rule', () => {
  const r = parseConfig('rules:\n  - DOMAIN,a.example,DIRECT\n  - DOMAIN,b.example,DIRECT\n', FILE, {
    validateRule: (rule, where) => {
      if (rule.payload === 'a.example') throw new SyError('SY_ERR_RULE_SYNTAX', { where, value: rule.payload });
      return rule.payload === 'b.example' ? [new SyError('SY_ERR_RULE_SYNTAX', { where, value: 'b' })] : [];
    },
  });
  assert.deepEqual(r.errors.map((e) => e.context.where), [`${FILE}:2:5 rules[0]`, `${FILE}:3:5 rules[1]`]);
});

test('paths resolve against home; controller CORS is read with its Clash names', () => {
  const c = ok('external-ui: ui\ngeoip-database: ./geo/Country.mmdb\nexternal-controller-cors: {allow-origins: ["http://192.0.2.10"], allow-private-network: false}\n').config;
  assert.equal(c.externalUi, `${DIR}/ui`);
  assert.equal(c.geoipDatabase, `${DIR}/geo/Country.mmdb`);
  assert.deepEqual(c.externalControllerCors, { allowOrigins: ['http://192.0.2.10'], allowPrivateNetwork: false });
  assert.deepEqual(ok('{}').config.externalControllerCors, { allowOrigins: ['*'], allowPrivateNetwork: true });
});
