// Randomised bodies and queries against every route that takes input: the
// answer is never 5xx, and every 4xx carries `{message}` (and a code).
// Seeded, so a failure reproduces; 2,400 body cases + 600 query cases.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './helpers.js';
import { prng as rng } from '../../helpers/prng.js';

const h = harness();
after(() => h.c.close());

const KEYS = ['mode', 'log-level', 'allow-lan', 'ipv6', 'capture', 'enable', 'name', 'path', 'payload', '0', '3', '99', '-1', '__proto__', 'constructor', 'interfaces', 'on-failure', 'sniffing'];

function value(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 2 ? 7 : 10));
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor((r() - 0.5) * 1e6);
    case 3: return r() * 1e308 * (r() < 0.5 ? -1 : 1);
    case 4: return ['rule', 'Global', 'DIRECT', '', 'debug', 'x'.repeat(Math.floor(r() * 300)), '\u0000', '東京', 'hk-01', 'open'][Math.floor(r() * 10)];
    case 5: return '';
    case 6: return 'bad: [';
    case 7: return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 4); i > 0; i--) o[KEYS[Math.floor(r() * KEYS.length)]!] = value(r, depth + 1);
      return o;
    }
  }
}

function rawBody(r: () => number): string {
  const kind = Math.floor(r() * 6);
  if (kind === 0) return '{' + String.fromCharCode(...Array.from({ length: Math.floor(r() * 20) }, () => 32 + Math.floor(r() * 95)));
  if (kind === 1) return Buffer.from(Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256))).toString('latin1');
  if (kind === 2) return '[' .repeat(Math.floor(r() * 50));
  return JSON.stringify(value(r, 0));
}

const BODY_ROUTES: [string, string][] = [
  ['PATCH', '/configs'],
  ['PUT', '/configs'],
  ['PUT', '/proxies/Proxy'],
  ['PUT', '/proxies/Auto'],
  ['PATCH', '/rules/disable'],
  ['PUT', '/storage/fuzz'],
  ['DELETE', '/connections'],
  ['POST', '/cache/fakeip/flush'],
];

test('2,400 random bodies: never 5xx; every 4xx is {message, code}', async () => {
  const r = rng(0x5eed);
  const seen: Record<number, number> = {};
  for (let i = 0; i < 2400; i++) {
    const [method, url] = BODY_ROUTES[i % BODY_ROUTES.length]!;
    const raw = rawBody(r);
    const ctype = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8'][Math.floor(r() * 4)]!;
    const res = await h.req(method, url, { raw, headers: { 'content-type': ctype } });
    seen[res.status] = (seen[res.status] ?? 0) + 1;
    assert.ok(res.status < 500, `${method} ${url} ${JSON.stringify(raw).slice(0, 200)} -> ${res.status} ${res.body}`);
    if (res.status >= 400) {
      assert.equal(typeof res.json?.message, 'string', `${method} ${url} -> ${res.body}`);
      assert.equal(typeof res.json?.code, 'string', `${method} ${url} -> ${res.body}`);
    }
  }
  assert.ok((seen[400] ?? 0) > 1000, JSON.stringify(seen));
});

test('600 random query strings on query-taking routes (streams aside): never 5xx', async () => {
  const r = rng(0xbeef);
  const paths = ['/proxies/hk-01/delay', '/group/Auto/delay', '/dns/query', '/match', '/connections'];
  const names = ['url', 'timeout', 'expected', 'name', 'type', 'host', 'ip', 'port', 'network', 'src', 'srcPort', 'interval'];
  const vals = ['', '0', '-1', '65536', '1e3', 'abc', '203.0.113.1', '::1', 'example.com', 'http%3A%2F%2F203.0.113.1%2F', '%ff', 'a%20b', 'udp', 'AAAA', 'debug', 'structured', '5'];
  for (let i = 0; i < 600; i++) {
    const path = paths[i % paths.length]!;
    const qs = Array.from({ length: 1 + Math.floor(r() * 4) }, () => `${names[Math.floor(r() * names.length)]}=${vals[Math.floor(r() * vals.length)]}`).join('&');
    const res = await h.req('GET', `${path}?${qs}&timeout=20`);
    assert.ok(res.status < 500, `${path}?${qs} -> ${res.status} ${res.body}`);
    if (res.status >= 400) assert.equal(typeof res.json?.message, 'string');
  }
});
