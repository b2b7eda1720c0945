// proxy-providers: and the group keys that use them: every key read with its
// default, located errors for every mistake (type, url, traversal, regexes,
// health-check, override), inline payloads through the proxies parser, and
// `use:` names checked against the defined providers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../main/config/load.js';
import { parseProxyProviderBody } from '../../../main/config/proxy-provider-body.js';
import { SyErrorList, isSyError } from '../../../main/core/errors.js';

const DIR = '/tmp/sy-config-pp';
const FILE = `${DIR}/config.yaml`;

function load(yaml: string) {
  return parseConfig(yaml, FILE, { home: DIR });
}
function errs(yaml: string): string[] {
  return load(yaml).errors.map((e) => `${e.code} ${e.message}`);
}

test('an http provider: every key read; defaults for the rest; path defaults to proxies/<name>.yaml in home', () => {
  const r = load(`proxy-providers:
  sub:
    type: http
    url: "https://example.com/sub?token=1"
    interval: 3600
    proxy: DIRECT
    size-limit: 10240
    header: {User-Agent: ["Clash/v1.18.0", "mihomo/1.18.3"]}
    health-check: {enable: true, url: "https://cp.cloudflare.com/generate_204", interval: 600, timeout: 3000, lazy: false, expected-status: 204}
    override: {skip-cert-verify: true, udp: true, additional-prefix: "[sub] ", proxy-name: [{pattern: "IPLC", target: "专线"}], down: "50 Mbps"}
    filter: "港|HK"
    exclude-filter: "过期"
    exclude-type: "vmess|ss"
  ugly name/..:
    type: http
    url: http://192.0.2.1/x
`);
  assert.deepEqual(r.errors, []);
  const p = r.config!.proxyProviders!.sub!;
  assert.equal(p.type, 'http');
  assert.equal(p.path, `${DIR}/proxies/sub.yaml`);
  assert.equal(p.interval, 3600);
  assert.equal(p.proxy, 'DIRECT');
  assert.equal(p.sizeLimit, 10240);
  assert.deepEqual(p.header, { 'User-Agent': ['Clash/v1.18.0', 'mihomo/1.18.3'] });
  assert.deepEqual(p.healthCheck, { enable: true, url: 'https://cp.cloudflare.com/generate_204', interval: 600, timeout: 3000, lazy: false, expectedStatus: '204' });
  assert.deepEqual(p.override, { 'skip-cert-verify': true, udp: true, 'additional-prefix': '[sub] ', 'proxy-name': [{ pattern: 'IPLC', target: '专线' }] });
  assert.deepEqual([p.filter, p.excludeFilter, p.excludeType], ['港|HK', '过期', 'vmess|ss']);
  assert.equal(r.config!.proxyProviders!['ugly name/..']!.path, `${DIR}/proxies/ugly_name_...yaml`);
  assert.deepEqual(r.config!.proxyProviders!['ugly name/..']!.healthCheck.enable, false);
  // `down` is a mihomo override key switchyard does not apply: a warning, never fatal
  assert.ok(r.warnings.some((w) => w.code === 'SY_ERR_CONFIG_IGNORED_KEY' && /override\.down/.test(w.message)));
  assert.ok(!r.config!.ignored.some((i) => i.key === 'proxy-providers'), 'no longer reported as ignored');
});

test('a placeholder subscription URL is a located warning, not an error (the provider stays empty)', () => {
  const r = parseConfig('proxy-providers:\n  c: {type: http, url: "not a url"}\n', FILE);
  assert.deepEqual(r.errors, []);
  const w = r.warnings.find((x) => x.code === 'SY_ERR_CONFIG_BAD_ADDRESS');
  assert.ok(w);
  assert.match(w.message, /2:24 proxy-providers\.c\.url/);
  assert.match(w.message, /"not a url"/);
});

test('mistakes are located errors', () => {
  const e = errs(`proxy-providers:
  a: {type: ftp}
  b: {type: http}
  c: {type: http, url: "not a url"}
  d: {type: http, url: "http://192.0.2.1/", path: ../../etc/passwd}
  e: {type: file}
  f: {type: inline}
  g: {type: http, url: "http://192.0.2.1/", filter: "(unclosed", health-check: {interval: -1, expected-status: abc}}
  h: {type: http, url: "http://192.0.2.1/", proxy: NOPE, interval: x}
  i: {type: inline, payload: [{name: dup, type: socks5, server: 127.0.0.1, port: 1}, {name: dup, type: socks5, server: 127.0.0.1, port: 2}, {name: noport, type: socks5, server: 127.0.0.1}]}
`);
  const want: [string, RegExp][] = [
    ['SY_ERR_CONFIG_ENUM', /2:13 proxy-providers\.a\.type/],
    ['SY_ERR_CONFIG_MISSING', /3:6 proxy-providers\.b\.url/],
    ['SY_ERR_CONFIG_PATH_TRAVERSAL', /5:51 proxy-providers\.d\.path/],
    ['SY_ERR_CONFIG_MISSING', /6:6 proxy-providers\.e\.path/],
    ['SY_ERR_CONFIG_MISSING', /7:6 proxy-providers\.f\.payload/],
    ['SY_ERR_CONFIG_BAD_REGEX', /8:53 proxy-providers\.g\.filter.*\(unclosed/],
    ['SY_ERR_CONFIG_RANGE', /proxy-providers\.g\.health-check\.interval/],
    ['SY_ERR_CONFIG_TYPE', /proxy-providers\.g\.health-check\.expected-status/],
    ['SY_ERR_CONFIG_TYPE', /proxy-providers\.h\.interval/],
    ['SY_ERR_CONFIG_UNKNOWN_TARGET', /9:52 proxy-providers\.h\.proxy.*NOPE/],
    ['SY_ERR_CONFIG_DUPLICATE_NAME', /10:86 proxy-providers\.i\.payload\[1\]\.name.*dup/],
    ['SY_ERR_CONFIG_MISSING', /proxy-providers\.i\.payload\[2\]\.port/],
  ];
  for (const [code, re] of want) assert.ok(e.some((x) => x.startsWith(code) && re.test(x)), `${code} ${re}\n${e.join('\n')}`);
  assert.equal(e.length, want.length, e.join('\n'));
});

test('inline payload: relayable and unsupported proxies (one warning each), names private to the provider', () => {
  const r = load(`proxies:
  - {name: same, type: socks5, server: 127.0.0.1, port: 1}
proxy-providers:
  inl:
    type: inline
    payload:
      - {name: same, type: socks5, server: 127.0.0.1, port: 2}
      - {name: "🇯🇵 vless", type: vless, server: 203.0.113.1, port: 443, uuid: x}
`);
  assert.deepEqual(r.errors, []);
  const payload = r.config!.proxyProviders!.inl!.payload;
  assert.deepEqual(payload.map((p) => [p.name, p.type, p.supported, p.port]), [['same', 'socks5', true, 2], ['🇯🇵 vless', 'vless', false, 443]]);
  const w = r.warnings.filter((x) => x.code === 'SY_ERR_CONFIG_UNSUPPORTED_PROXY');
  assert.equal(w.length, 1);
  assert.match(w[0]!.message, /8:36 proxy-providers\.inl\.payload\[1\]\.type/);
});

test('groups: use, include-all*, filter, exclude-filter, exclude-type are read; unknown use: is a located warning; a bad regex a located error', () => {
  const r = load(`proxy-providers:
  p: {type: inline, payload: []}
proxy-groups:
  - {name: a, type: select, use: [p, ghost], filter: "^((?!(直连)).)*$", exclude-filter: "剩余|到期", exclude-type: "Shadowsocks|vmess"}
  - {name: b, type: url-test, include-all: true}
  - {name: c, type: fallback, include-all-proxies: true, include-all-providers: false}
  - {name: d, type: select, include-all-providers: true}
`);
  assert.deepEqual(r.errors, []);
  const [a, b, c, d] = r.config!.proxyGroups;
  assert.deepEqual([a!.use, a!.filter, a!.excludeFilter, a!.excludeType], [['p', 'ghost'], '^((?!(直连)).)*$', '剩余|到期', 'Shadowsocks|vmess']);
  assert.deepEqual([b!.includeAllProxies, b!.includeAllProviders], [true, true]);
  assert.deepEqual([c!.includeAllProxies, c!.includeAllProviders], [true, undefined]);
  assert.deepEqual([d!.includeAllProxies, d!.includeAllProviders], [undefined, true]);
  assert.deepEqual(r.warnings.map((w) => w.code), ['SY_ERR_CONFIG_UNKNOWN_PROXY_PROVIDER']);
  assert.match(r.warnings[0]!.message, /4:38 proxy-groups\[0\]\.use\[1\].*"ghost".*one of p/);

  const bad = errs('proxy-groups:\n  - {name: a, type: select, proxies: [DIRECT], filter: "[z-a]", exclude-filter: "(?<"}\n  - {name: b, type: select}\n');
  assert.equal(bad.length, 3, bad.join('\n'));
  assert.match(bad[0]!, /^SY_ERR_CONFIG_BAD_REGEX .*2:56 proxy-groups\[0\]\.filter/);
  assert.match(bad[1]!, /^SY_ERR_CONFIG_BAD_REGEX .*2:81 proxy-groups\[0\]\.exclude-filter/);
  assert.match(bad[2]!, /^SY_ERR_CONFIG_MISSING .*proxy-groups\[1\]\.proxies/, 'a group with neither proxies nor providers');
});

test('type: direct proxies are named DIRECT outbounds (Clash Verge Rev\'s "🟢 直连")', () => {
  const r = load('proxies:\n  - {name: "🟢 直连", type: direct, udp: true}\n');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual([r.config!.proxies[0]!.type, r.config!.proxies[0]!.supported], ['direct', true]);
});

test('provider bodies: parsed with the proxies parser, then filtered and overridden; anything broken is refused whole', () => {
  const text = 'proxies:\n  - {name: "HK IPLC 01", type: socks5, server: 127.0.0.1, port: 1}\n  - {name: "JP 01", type: ss, server: 203.0.113.1, port: 8388, cipher: aes-128-gcm, password: x}\n  - {name: "剩余流量 1G", type: socks5, server: 127.0.0.1, port: 2}\n';
  const opts = { override: { 'additional-prefix': '[s] ', 'proxy-name': [{ pattern: 'IPLC', target: '专线' }], udp: true }, filter: '', excludeFilter: '剩余', excludeType: '' };
  const b = parseProxyProviderBody(text, '/x/sub.yaml', opts);
  assert.deepEqual(b.proxies.map((p) => [p.name, p.supported, p.udp]), [['[s] HK 专线 01', true, true], ['[s] JP 01', false, true]]);
  assert.equal(b.warnings.length, 1);
  assert.deepEqual(parseProxyProviderBody(text, 'x', { ...opts, override: {}, excludeType: 'ss|socks5' }).proxies, []);
  for (const bad of ['', 'just text', 'proxies: {a: 1}', '- a\n- b', 'proxies:\n  - {name: a, type: socks5}\n', 'proxies:\n  - {name: a, type: warp, server: x, port: 1}\n']) {
    assert.throws(() => parseProxyProviderBody(bad, '/x/sub.yaml', opts), (e: unknown) => {
      assert.ok(e instanceof SyErrorList && isSyError(e), String(e));
      assert.equal(e.code, 'SY_ERR_PROXY_PROVIDER_PARSE');
      assert.match(e.message, /\/x\/sub\.yaml/);
      return true;
    }, JSON.stringify(bad));
  }
});
