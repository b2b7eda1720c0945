// 10,000 cases each for the inputs whose unit fuzz tests run fewer (config
// files, rule-provider files, controller request bodies; the sniffers and DNS
// packets already run >= 10,000 in test/unit/sniff and test/unit/dns): no
// throw, no hang, only registered, coded errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../main/config/load.js';
import { parseProvider } from '../../../main/providers/provider.js';
import type { RuleProviderConfig } from '../../../main/config/types.js';
import { SyError } from '../../../main/core/errors.js';
import { ERROR_CODES } from '../../../main/core/error-codes.js';
import { harness } from '../../unit/controller/helpers.js';
import { prng } from '../../helpers/prng.js';

const CASES = 10_000;
const FILE = '/tmp/sy-robust-fuzz/config.yaml';

const NOISE = [':', '{', '}', '[', ']', '- ', ',', '&a', '*a', '!', '|', '>', "'", '"', '#', '\n', '\t', '  ', '? ', '%', '@', '\u0000', '\ud83d\ude00', '0x1', '-1', '99999999999', 'null', '~', '__proto__', 'REJECT', 'DIRECT', 'IP-CIDR,', 'no-resolve', '/33', '::'];

/** Line-level and character-level mutations of a text. */
function mutate(rand: () => number, text: string): string {
  const lines = text.split('\n');
  for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
    const i = Math.floor(rand() * lines.length);
    const op = Math.floor(rand() * 6);
    const line = lines[i] ?? '';
    if (op === 0) lines.splice(i, 1);
    else if (op === 1) lines.splice(i, 0, lines[Math.floor(rand() * lines.length)] ?? '');
    else if (op === 2) {
      const at = Math.floor(rand() * (line.length + 1));
      lines[i] = line.slice(0, at) + NOISE[Math.floor(rand() * NOISE.length)] + line.slice(at);
    } else if (op === 3) lines[i] = line.slice(0, Math.floor(rand() * line.length));
    else if (op === 4) lines[i] = ' '.repeat(Math.floor(rand() * 4)) + line.trimStart();
    else lines[i] = line.replace(/\d+/, String(Math.floor((rand() - 0.3) * 1e6)));
  }
  return lines.join('\n');
}

function checkErrors(errors: readonly unknown[], what: string): void {
  for (const e of errors) {
    assert.ok(e instanceof SyError, `${what}: not a SyError: ${String(e)}`);
    assert.ok(Object.hasOwn(ERROR_CODES, e.code), `${what}: unknown code ${e.code}`);
    assert.ok(!e.message.includes('internal error'), `${what}: internal error: ${e.message}`);
  }
}

const CONFIG = `mode: rule
log-level: info
mixed-port: 7890
tproxy-port: 7893
routing-mark: 4096
external-controller: 127.0.0.1:9090
secret: "s"
sniffer: {enable: true, timeout: 200}
dns:
  enable: true
  listen: 127.0.0.1:1053
  enhanced-mode: fake-ip
  fake-ip-range: 198.18.0.1/16
  nameserver: [198.51.100.53]
proxies:
  - {name: a, type: socks5, server: 198.51.100.2, port: 1080, udp: true}
  - {name: b, type: socks5, server: 198.51.100.3, port: 1080, username: u, password: p}
proxy-groups:
  - {name: P, type: fallback, proxies: [a, b], url: "http://203.0.113.1/", interval: 60}
  - {name: S, type: select, proxies: [P, DIRECT]}
rule-providers:
  inl: {type: inline, behavior: classical, payload: ["DOMAIN-SUFFIX,example.org", "IP-CIDR,203.0.113.0/24,no-resolve"]}
rules:
  - DOMAIN-SUFFIX,example.com,S
  - DOMAIN-KEYWORD,ads,REJECT
  - IP-CIDR,203.0.113.0/24,P,no-resolve
  - IP-CIDR6,2001:db8::/32,DIRECT
  - AND,((DST-PORT,443),(NETWORK,tcp)),P
  - RULE-SET,inl,S
  - GEOIP,CN,DIRECT
  - MATCH,S
capture:
  enable: true
  lan: true
  interfaces: [eth1]
  bypass: [192.0.2.0/24]
`;

test(`config files: ${CASES} mutated configs give a frozen config or coded, located errors`, () => {
  assert.deepEqual(parseConfig(CONFIG, FILE).errors.map((e) => e.message), [], 'the base config is valid');
  const rand = prng(0xc0f1);
  let loaded = 0;
  for (let i = 0; i < CASES; i++) {
    const text = mutate(rand, CONFIG);
    const r = parseConfig(text, FILE);
    assert.equal(r.config === null, r.errors.length > 0);
    checkErrors([...r.errors, ...r.warnings], `case ${i}`);
    if (r.config) loaded++;
  }
  assert.ok(loaded > CASES / 20 && loaded < CASES - CASES / 10, `loaded ${loaded} of ${CASES}`);
});

const PROVIDERS: Record<'domain' | 'ipcidr' | 'classical', { yaml: string; text: string }> = {
  domain: { yaml: "payload:\n  - '+.example.com'\n  - 'ads.example.net'\n  - '.example.org'\n", text: '+.example.com\nads.example.net\n# c\nexample.org\n' },
  ipcidr: { yaml: "payload:\n  - '203.0.113.0/24'\n  - '2001:db8::/32'\n", text: '203.0.113.0/24\n198.51.100.7/32\n2001:db8::/32\n' },
  classical: { yaml: "payload:\n  - DOMAIN-SUFFIX,example.com\n  - IP-CIDR,203.0.113.0/24,no-resolve\n  - DST-PORT,443\n", text: 'DOMAIN,a.example\nDOMAIN-KEYWORD,ads\nIP-CIDR6,2001:db8::/32\nSRC-PORT,1000-2000\n' },
};

test(`provider files: ${CASES} mutated rule-set files (yaml and text, each behavior) give a matcher or coded errors`, () => {
  const rand = prng(0x9e0f);
  let counted = 0;
  for (let i = 0; i < CASES; i++) {
    const behavior = (['domain', 'ipcidr', 'classical'] as const)[i % 3]!;
    const format = rand() < 0.5 ? 'yaml' : 'text';
    const text = mutate(rand, PROVIDERS[behavior][format]);
    const cfg = { name: 'f', type: 'file', behavior, format, url: '', path: '/tmp/sy-robust-fuzz/f', interval: 0, proxy: '', sizeLimit: 0, header: {}, payload: [], where: 'rule-providers.f' } as unknown as RuleProviderConfig;
    try {
      const r = parseProvider(cfg, text);
      assert.ok(Number.isInteger(r.count) && r.count >= 0);
      checkErrors(r.warnings, `case ${i}`);
      counted++;
    } catch (e) {
      checkErrors([e], `case ${i} (${behavior}/${format}) threw`);
    }
  }
  assert.ok(counted > CASES / 2, `parsed ${counted}`);
});

const h = harness();
after(() => h.c.close());

const ROUTES: [string, string][] = [
  ['PATCH', '/configs'], ['PUT', '/configs'], ['PUT', '/proxies/Proxy'], ['PUT', '/proxies/Auto'],
  ['PATCH', '/rules/disable'], ['PUT', '/storage/fuzz'], ['DELETE', '/connections'], ['POST', '/cache/fakeip/flush'],
  ['PUT', '/providers/rules/none'], ['GET', '/proxies/Proxy/delay'],
];

function body(rand: () => number, depth = 0): unknown {
  const k = Math.floor(rand() * (depth > 2 ? 6 : 9));
  switch (k) {
    case 0: return null;
    case 1: return rand() < 0.5;
    case 2: return Math.floor((rand() - 0.5) * 1e9);
    case 3: return ['rule', 'global', 'direct', 'GLOBAL', '', 'x'.repeat(Math.floor(rand() * 500)), '\u0000', 'DIRECT', 'a', 'debug'][Math.floor(rand() * 10)];
    case 4: return rand() * 1e300;
    case 5: return 'bad: [';
    case 6: return Array.from({ length: Math.floor(rand() * 4) }, () => body(rand, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const keys = ['mode', 'name', 'path', 'payload', 'log-level', 'allow-lan', 'ipv6', 'tun', 'index', 'disabled', '__proto__', 'constructor', 'url', 'timeout'];
      for (let i = Math.floor(rand() * 4); i > 0; i--) o[keys[Math.floor(rand() * keys.length)]!] = body(rand, depth + 1);
      return o;
    }
  }
}

test(`controller: ${CASES} random request bodies are never answered 5xx; every 4xx is {message, code}`, async () => {
  const rand = prng(0xb0d1);
  const seen: Record<number, number> = {};
  for (let i = 0; i < CASES; i++) {
    const [method, url] = ROUTES[i % ROUTES.length]!;
    const kind = rand();
    const raw =
      kind < 0.15 ? Buffer.from(Array.from({ length: Math.floor(rand() * 60) }, () => Math.floor(rand() * 256))).toString('latin1') :
      kind < 0.25 ? '{'.repeat(Math.floor(rand() * 40)) :
      JSON.stringify(body(rand));
    const ctype = ['application/json', 'text/plain', 'application/json; charset=utf-8', 'application/octet-stream'][Math.floor(rand() * 4)]!;
    const res = await h.req(method, url, { raw, headers: { 'content-type': ctype } });
    seen[res.status] = (seen[res.status] ?? 0) + 1;
    assert.ok(res.status < 500, `${method} ${url} ${JSON.stringify(raw).slice(0, 200)} -> ${res.status} ${res.body}`);
    if (res.status >= 400) {
      assert.equal(typeof res.json?.message, 'string', `${method} ${url} -> ${res.body}`);
      assert.equal(typeof res.json?.code, 'string', `${method} ${url} -> ${res.body}`);
    }
  }
  assert.ok((seen[400] ?? 0) > CASES / 10, JSON.stringify(seen));
});
