// Malformed configs: each mistake is reported with its code, `file:line:col`,
// the key path and the bad value, and the config is not produced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../main/config/load.js';
import type { ErrorCode } from '../../../main/core/error-codes.js';

const FILE = '/tmp/sy-config-test/config.yaml';
const PROXY = 'proxies:\n  - {name: up, type: socks5, server: 198.51.100.1, port: 1080}\n';

interface Case {
  name: string;
  yaml: string;
  code: ErrorCode;
  /** `line:col keyPath` the message must start with (after the file name). */
  at: string;
  /** Text that must appear in the message (the bad value as shown). */
  value: string;
}

const CASES: Case[] = [
  { name: 'port out of range', yaml: 'mixed-port: 70000\n', code: 'SY_ERR_CONFIG_RANGE', at: '1:13 mixed-port', value: '70000' },
  { name: 'port is a string', yaml: 'mode: rule\ntproxy-port: "7893x"\n', code: 'SY_ERR_CONFIG_TYPE', at: '2:14 tproxy-port', value: '"7893x"' },
  { name: 'unknown mode', yaml: 'mode: rules\n', code: 'SY_ERR_CONFIG_ENUM', at: '1:7 mode', value: '"rules"' },
  { name: 'log-level typo', yaml: 'log-level: warn\n', code: 'SY_ERR_CONFIG_ENUM', at: '1:12 log-level', value: '"warn"' },
  { name: 'allow-lan not a boolean', yaml: 'allow-lan: "maybe"\n', code: 'SY_ERR_CONFIG_TYPE', at: '1:12 allow-lan', value: '"maybe"' },
  { name: 'bad bind-address', yaml: 'bind-address: 300.1.1.1\n', code: 'SY_ERR_CONFIG_BAD_ADDRESS', at: '1:15 bind-address', value: '"300.1.1.1"' },
  { name: 'bad external-controller', yaml: 'external-controller: 127.0.0.1\n', code: 'SY_ERR_CONFIG_BAD_ADDRESS', at: '1:22 external-controller', value: '"127.0.0.1"' },
  { name: 'broken YAML', yaml: 'mode: rule\nrules: [MATCH,DIRECT\n', code: 'SY_ERR_CONFIG_YAML', at: '3:1', value: '' },
  { name: 'duplicate key', yaml: 'mode: rule\nmode: global\n', code: 'SY_ERR_CONFIG_DUPLICATE_KEY', at: '2:1 mode', value: '"mode"' },
  { name: 'top level is a list', yaml: '- MATCH,DIRECT\n', code: 'SY_ERR_CONFIG_NOT_MAPPING', at: '1:1', value: 'a list' },
  { name: 'rule is not a string', yaml: 'rules:\n  - MATCH,DIRECT\n  - {DOMAIN: a.com}\n', code: 'SY_ERR_CONFIG_RULE_SYNTAX', at: '3:5 rules[1]', value: 'mapping' },
  { name: 'rule with too few fields', yaml: 'rules:\n  - DOMAIN-SUFFIX,a.com\n', code: 'SY_ERR_CONFIG_RULE_SYNTAX', at: '2:5 rules[0]', value: '"DOMAIN-SUFFIX,a.com"' },
  { name: 'unknown rule target', yaml: `${PROXY}rules:\n  - DOMAIN,a.com,Up\n`, code: 'SY_ERR_CONFIG_UNKNOWN_TARGET', at: '4:5 rules[0]', value: '"Up"' },
  { name: 'RULE-SET of an undefined provider', yaml: 'rules:\n  - RULE-SET,ads,REJECT\n', code: 'SY_ERR_CONFIG_UNKNOWN_PROVIDER', at: '2:5 rules[0]', value: '"ads"' },
  { name: 'group member missing', yaml: `${PROXY}proxy-groups:\n  - name: sel\n    type: select\n    proxies: [up, down]\n`, code: 'SY_ERR_CONFIG_UNKNOWN_MEMBER', at: '6:19 proxy-groups[0].proxies[1]', value: '"down"' },
  { name: 'unknown group type', yaml: `${PROXY}proxy-groups:\n  - {name: g, type: round-robin, proxies: [up]}\n`, code: 'SY_ERR_CONFIG_ENUM', at: '4:21 proxy-groups[0].type', value: '"round-robin"' },
  { name: 'group without members', yaml: 'proxy-groups:\n  - {name: g, type: select, proxies: []}\n', code: 'SY_ERR_CONFIG_MISSING', at: '2:38 proxy-groups[0].proxies', value: 'group "g" has no members' },
  { name: 'proxy without server', yaml: 'proxies:\n  - {name: up, type: socks5, port: 1080}\n', code: 'SY_ERR_CONFIG_MISSING', at: '2:5 proxies[0].server', value: 'proxy "up"' },
  { name: 'proxy port 0', yaml: 'proxies:\n  - {name: up, type: socks5, server: 198.51.100.1, port: 0}\n', code: 'SY_ERR_CONFIG_RANGE', at: '2:58 proxies[0].port', value: '0' },
  { name: 'unknown proxy type', yaml: 'proxies:\n  - {name: up, type: sock5, server: a.example, port: 1}\n', code: 'SY_ERR_CONFIG_ENUM', at: '2:22 proxies[0].type', value: '"sock5"' },
  { name: 'proxy name reserved', yaml: 'proxies:\n  - {name: DIRECT, type: socks5, server: a.example, port: 1}\n', code: 'SY_ERR_CONFIG_RESERVED_NAME', at: '2:12 proxies[0].name', value: '"DIRECT"' },
  { name: 'proxy and group share a name', yaml: `${PROXY}proxy-groups:\n  - {name: up, type: select, proxies: [DIRECT]}\n`, code: 'SY_ERR_CONFIG_DUPLICATE_NAME', at: '4:12 proxy-groups[0].name', value: '"up"' },
  { name: 'group cycle', yaml: 'proxy-groups:\n  - {name: a, type: select, proxies: [b]}\n  - {name: b, type: select, proxies: [a]}\n', code: 'SY_ERR_CONFIG_GROUP_CYCLE', at: '3:39 proxy-groups[1].proxies[0]', value: '"a -> b -> a"' },
  { name: 'provider without behavior', yaml: 'rule-providers:\n  ads: {type: file, path: ads.yaml}\n', code: 'SY_ERR_CONFIG_MISSING', at: '2:8 rule-providers.ads.behavior', value: 'provider "ads"' },
  { name: 'http provider path escapes home', yaml: 'rule-providers:\n  ads:\n    type: http\n    behavior: domain\n    url: https://example.com/ads.yaml\n    path: ../../etc/passwd\n', code: 'SY_ERR_CONFIG_PATH_TRAVERSAL', at: '6:11 rule-providers.ads.path', value: '"../../etc/passwd"' },
  { name: 'http provider without url', yaml: 'rule-providers:\n  ads: {type: http, behavior: domain}\n', code: 'SY_ERR_CONFIG_MISSING', at: '2:8 rule-providers.ads.url', value: 'provider "ads"' },
  { name: 'mrs with classical', yaml: 'rule-providers:\n  x: {type: file, behavior: classical, format: mrs, path: x.mrs}\n', code: 'SY_ERR_CONFIG_CONFLICT', at: '2:48 rule-providers.x.format', value: '"mrs"' },
  { name: 'marks overlap', yaml: 'routing-mark: 0x200\n', code: 'SY_ERR_CONFIG_MARK_OVERLAP', at: '1:15 routing-mark', value: '0x200' },
  { name: 'dns fake-ip-range not a CIDR', yaml: 'dns:\n  enable: true\n  fake-ip-range: 198.18.0.1\n', code: 'SY_ERR_CONFIG_BAD_ADDRESS', at: '3:18 dns.fake-ip-range', value: '"198.18.0.1"' },
  { name: 'dns nameserver malformed', yaml: 'dns:\n  nameserver:\n    - 1.1.1.1\n    - "udp:/1.1.1.1"\n', code: 'SY_ERR_CONFIG_BAD_ADDRESS', at: '4:7 dns.nameserver[1]', value: '"udp:/1.1.1.1"' },
  { name: 'dns enhanced-mode unknown', yaml: 'dns: {enhanced-mode: fakeip}\n', code: 'SY_ERR_CONFIG_ENUM', at: '1:22 dns.enhanced-mode', value: '"fakeip"' },
  { name: 'capture bypass not a CIDR', yaml: 'capture:\n  bypass: [192.0.2.0/24, 192.0.2.1]\n', code: 'SY_ERR_CONFIG_BAD_ADDRESS', at: '2:26 capture.bypass[1]', value: '"192.0.2.1"' },
  { name: 'capture on-failure unknown', yaml: 'capture: {on-failure: drop}\n', code: 'SY_ERR_CONFIG_ENUM', at: '1:23 capture.on-failure', value: '"drop"' },
  { name: 'capture table reserved', yaml: 'capture: {table: 254}\n', code: 'SY_ERR_CONFIG_RANGE', at: '1:18 capture.table', value: '254' },
  { name: 'gateway mode without interfaces', yaml: 'capture:\n  lan: true\n', code: 'SY_ERR_CONFIG_CONFLICT', at: '2:3 capture.interfaces', value: '[]' },
  { name: 'interface name too long', yaml: 'capture: {lan: true, interfaces: [averyveryverylongname0]}\n', code: 'SY_ERR_CONFIG_BAD_ADDRESS', at: '1:35 capture.interfaces[0]', value: '"averyveryverylongname0"' },
  { name: 'mixed-port equals tproxy-port', yaml: 'mixed-port: 7000\ntproxy-port: 7000\n', code: 'SY_ERR_CONFIG_CONFLICT', at: '2:14 tproxy-port', value: '7000' },
  { name: 'hosts value not an address', yaml: 'hosts:\n  a.example: "not an ip"\n', code: 'SY_ERR_CONFIG_BAD_ADDRESS', at: '2:14 hosts.a.example', value: '"not an ip"' },
  { name: 'hosts key not a domain pattern', yaml: 'hosts:\n  "a..example": 192.0.2.1\n', code: 'SY_ERR_CONFIG_BAD_ADDRESS', at: '2:3 hosts.a..example', value: '"a..example"' },
  { name: 'proxies is a mapping', yaml: 'proxies:\n  up: {type: socks5}\n', code: 'SY_ERR_CONFIG_TYPE', at: '2:3 proxies', value: 'mapping' },
  { name: 'two YAML documents', yaml: 'mode: rule\n---\nmode: global\n', code: 'SY_ERR_CONFIG_YAML', at: '2:1', value: '"---"' },
  { name: 'tab indentation', yaml: 'dns:\n\tenable: true\n', code: 'SY_ERR_CONFIG_YAML', at: '2:1', value: '"enable: true"' },
  { name: 'alias to an unknown anchor', yaml: 'proxies: *nope\n', code: 'SY_ERR_CONFIG_YAML', at: '1:10 proxies', value: '"*nope"' },
  { name: 'alias inside its own anchor', yaml: 'capture: &c {bypass: *c}\n', code: 'SY_ERR_CONFIG_YAML', at: '1:22 capture.bypass', value: '"*c"' },
  { name: 'nesting too deep', yaml: `proxies: ${'['.repeat(80)}${']'.repeat(80)}\n`, code: 'SY_ERR_CONFIG_LIMIT', at: '1:', value: 'at most 64 levels' },
  { name: 'merge of a scalar', yaml: 'capture:\n  <<: 5\n', code: 'SY_ERR_CONFIG_TYPE', at: '2:7 capture.<<', value: '5' },
];

for (const c of CASES) {
  test(`malformed: ${c.name} -> ${c.code} at ${c.at}`, () => {
    const r = parseConfig(c.yaml, FILE);
    assert.equal(r.config, null, 'no config when there are errors');
    const e = r.errors.find((x) => x.code === c.code);
    assert.ok(e, `expected ${c.code}, got: ${r.errors.map((x) => x.message).join(' | ') || 'no errors'}`);
    assert.ok(e.message.startsWith(`${FILE}:${c.at}`), `location: ${e.message}`);
    assert.ok(e.message.includes(c.value), `value ${c.value} in: ${e.message}`);
    assert.match(e.message, /expected /, 'says what would be valid');
  });
}

test('a cascade of YAML syntax errors is cut to the first 20 plus a count', () => {
  const r = parseConfig('['.repeat(3000), FILE);
  assert.equal(r.errors.length, 21);
  assert.ok(r.errors.every((e) => e.code === 'SY_ERR_CONFIG_YAML'));
  assert.match(r.errors[20]!.message, /\d+ more YAML errors not shown/);
});

test('all errors at once: a file with 3 mistakes reports exactly 3', () => {
  const yaml = ['mixed-port: -1', 'mode: fast', 'proxies: []', 'rules:', '  - DOMAIN,a.example,Nowhere', '  - MATCH,DIRECT', ''].join('\n');
  const r = parseConfig(yaml, FILE);
  assert.deepEqual(
    r.errors.map((e) => e.code),
    ['SY_ERR_CONFIG_RANGE', 'SY_ERR_CONFIG_ENUM', 'SY_ERR_CONFIG_UNKNOWN_TARGET'],
  );
  assert.deepEqual(r.errors.map((e) => (e.context.where as string).split(' ')[0]), [`${FILE}:1:13`, `${FILE}:2:7`, `${FILE}:5:5`]);
});

test('a password that fails to parse is never echoed', () => {
  const r = parseConfig('proxies:\n  - {name: up, type: socks5, server: a.example, port: 1, password: [s3cret]}\n', FILE);
  const e = r.errors.find((x) => x.message.includes('password'));
  assert.ok(e);
  assert.ok(!e.message.includes('s3cret'), e.message);
});

test('listeners may not share a port: the conflict is reported at the key that was written', () => {
  const cases: [string, string][] = [
    ['dns: {enable: true, listen: "127.0.0.1:7890"}\n', '1:29 dns.listen'],
    ['external-controller: 127.0.0.1:7893\n', '1:22 external-controller'],
    ['mixed-port: 9090\n', '1:13 mixed-port'],
  ];
  for (const [yaml, at] of cases) {
    const r = parseConfig(yaml, FILE);
    assert.deepEqual(r.errors.map((e) => e.code), ['SY_ERR_CONFIG_CONFLICT'], yaml);
    assert.ok(r.errors[0]!.message.startsWith(`${FILE}:${at}:`), r.errors[0]!.message);
  }
  // A disabled DNS server does not hold its port.
  assert.deepEqual(parseConfig('dns: {enable: false, listen: "127.0.0.1:7890"}\n', FILE).errors, []);
});

test('capture needs a TPROXY port, and local capture needs a routing mark', () => {
  const noPort = parseConfig('tproxy-port: 0\ncapture: {enable: true}\n', FILE);
  assert.deepEqual(noPort.errors.map((e) => e.code), ['SY_ERR_CONFIG_CONFLICT']);
  assert.ok(noPort.errors[0]!.message.startsWith(`${FILE}:1:14 tproxy-port:`), noPort.errors[0]!.message);
  const noMark = parseConfig('routing-mark: 0\ncapture: {enable: true}\n', FILE);
  assert.deepEqual(noMark.errors.map((e) => e.code), ['SY_ERR_CONFIG_CONFLICT']);
  assert.ok(noMark.errors[0]!.message.startsWith(`${FILE}:1:15 routing-mark:`), noMark.errors[0]!.message);
  // Without capture both are fine: 0 disables the listener / the mark.
  assert.deepEqual(parseConfig('tproxy-port: 0\nrouting-mark: 0\n', FILE).errors, []);
  assert.deepEqual(parseConfig('routing-mark: 0\ncapture: {enable: true, local: false, lan: true, interfaces: [eth1]}\n', FILE).errors, []);
});
