// Randomised: mutated, truncated and garbage YAML built from a valid config.
// parseConfig must never throw, and every error must be a located SyError
// with a registered code (never the internal-error fallback).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../main/config/load.js';
import { SyError } from '../../../main/core/errors.js';
import { ERROR_CODES } from '../../../main/core/error-codes.js';
import { prng } from '../../helpers/prng.js';

const FILE = '/tmp/sy-config-fuzz/config.yaml';
const SEED = 0x5eed2026;
const CASES = 2500;

const VALID = `mode: rule
log-level: info
mixed-port: 7890
tproxy-port: 7893
allow-lan: false
external-controller: 127.0.0.1:9090
secret: "s3"
hosts:
  router.lan: 192.0.2.1
sniffer: {enable: true, timeout: 200}
dns:
  enable: true
  listen: 127.0.0.1:1053
  enhanced-mode: fake-ip
  fake-ip-range: 198.18.0.1/16
  nameserver: [198.51.100.53, "tls://dns.example:853"]
  nameserver-policy: {"+.corp.example": 192.0.2.53}
capture:
  enable: true
  lan: true
  interfaces: [eth1]
  bypass: [192.0.2.0/24]
  mark: 0x2d0
base: &base {type: socks5, server: 198.51.100.1, udp: true}
proxies:
  - {<<: *base, name: up1, port: 1080}
  - {<<: *base, name: up2, port: 1081, username: u, password: p}
  - {name: vm, type: vmess, server: 198.51.100.2, port: 443}
proxy-groups:
  - name: auto
    type: url-test
    proxies: [up1, up2]
    url: http://203.0.113.1/generate_204
    interval: 300
  - {name: Proxy, type: select, proxies: [auto, up1, vm, DIRECT]}
rule-providers:
  ads: {type: http, behavior: domain, url: "https://example.com/ads.yaml", interval: 86400}
  mine:
    type: inline
    behavior: classical
    payload:
      - DOMAIN-SUFFIX,example.org
rules:
  - RULE-SET,ads,REJECT
  - DOMAIN-SUFFIX,example.com,Proxy
  - AND,((DOMAIN,a.example),(NETWORK,UDP)),DIRECT
  - IP-CIDR,192.0.2.0/24,DIRECT,no-resolve
  - MATCH,Proxy
`;

const NOISE = [':', '{', '}', '[', ']', '-', ',', '&', '*', '!', '|', '>', "'", '"', '#', '\n', '\t', ' ', '<<', '? ', '%', '@', '`', '\u0000', '\u00e9', '\ud83d\ude00', '0x', '-1', '99999999999', 'null', '~', 'true', '__proto__', 'constructor'];
const VALUES = ['0', '-5', '70000', '1e9', '0.5', 'true', 'null', '[]', '{}', '[a, [b]]', '"x"', 'ÿ', '*base', '&z v', '!!binary aGk=', '2001:db8::1', '::', '"../../etc"'];

function mutate(rand: () => number, text: string): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const at = () => Math.floor(rand() * (text.length + 1));
  const lines = text.split('\n');
  switch (Math.floor(rand() * 9)) {
    case 0:
      return text.slice(0, at());
    case 1: {
      const i = at();
      return text.slice(0, i) + pick(NOISE) + text.slice(i);
    }
    case 2: {
      const i = at();
      return text.slice(0, i) + text.slice(i + 1 + Math.floor(rand() * 8));
    }
    case 3: {
      const i = Math.floor(rand() * lines.length);
      const j = Math.floor(rand() * lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    case 4: {
      const i = Math.floor(rand() * lines.length);
      lines.splice(i, 0, lines[Math.floor(rand() * lines.length)]!);
      return lines.join('\n');
    }
    case 5: {
      // Replace the value after a colon with something of another type.
      const i = Math.floor(rand() * lines.length);
      lines[i] = lines[i]!.replace(/:\s.*$/, `: ${pick(VALUES)}`);
      return lines.join('\n');
    }
    case 6: {
      const i = Math.floor(rand() * lines.length);
      lines[i] = (rand() < 0.5 ? ' ' : '') + lines[i]!.replace(/^ /, rand() < 0.5 ? '' : '   ');
      return lines.join('\n');
    }
    case 7:
      return Array.from({ length: Math.floor(rand() * 200) }, () => pick(NOISE)).join('');
    default: {
      // Several mutations stacked.
      let t = text;
      for (let k = 0; k < 4; k++) t = mutate(rand, t);
      return t;
    }
  }
}

test('the base config of the randomised test is valid', () => {
  const r = parseConfig(VALID, FILE);
  assert.deepEqual(r.errors.map((e) => e.message), []);
});

test(`randomised: ${CASES} mutated configs (seed 0x${SEED.toString(16)}) only ever fail with coded, located SyErrors`, () => {
  const rand = prng(SEED);
  let failed = 0;
  let loaded = 0;
  for (let i = 0; i < CASES; i++) {
    const text = mutate(rand, VALID);
    let r;
    try {
      r = parseConfig(text, FILE);
    } catch (e) {
      assert.fail(`case ${i} threw ${String(e)} for:\n${text}`);
    }
    assert.equal(r.config === null, r.errors.length > 0, `case ${i}: config is null iff there are errors`);
    for (const e of [...r.errors, ...r.warnings]) {
      assert.ok(e instanceof SyError, `case ${i}: not a SyError: ${String(e)}`);
      assert.ok(Object.hasOwn(ERROR_CODES, e.code), `case ${i}: unknown code ${e.code}`);
      assert.ok(e.message.startsWith(FILE + ':'), `case ${i}: not located: ${e.message}`);
      assert.ok(!e.message.includes('internal error'), `case ${i}: internal error for:\n${text}\n${e.message}\n${String((e.cause as Error | undefined)?.stack)}`);
    }
    if (r.config) {
      loaded++;
      assert.ok(Object.isFrozen(r.config) && Object.isFrozen(r.config.proxies), `case ${i}: frozen`);
    } else failed++;
  }
  // Both outcomes must be exercised, or the mutations are too weak or too strong.
  assert.ok(loaded > CASES / 20 && failed > CASES / 5, `loaded ${loaded}, failed ${failed}`);
});
