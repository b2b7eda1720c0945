// Route specifications (inject, no socket): every endpoint's shape as mihomo
// dashboards parse it, and every error status with a `{message, code}` body.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './helpers.js';
import { SyError } from '../../../main/core/errors.js';

const h = harness();
after(() => h.c.close());

const UUID = /^[0-9a-f-]{36}$/;

test('GET / and /version: dashboards see a Meta core', async () => {
  assert.deepEqual((await h.req('GET', '/')).json, { hello: 'switchyard' });
  const v = await h.req('GET', '/version');
  assert.equal(v.status, 200);
  assert.deepEqual(v.json, { meta: true, version: 'switchyard v0.1.0' });
});

test('GET /configs returns the general object; PATCH switches mode (case-insensitive) and capture toggles', async () => {
  const g = await h.req('GET', '/configs');
  assert.equal(g.json.mode, 'rule');
  assert.deepEqual(g.json['mode-list'], ['rule', 'global', 'direct']);
  assert.equal(g.json['mixed-port'], 7890);
  assert.equal(g.json.tun.enable, false);
  assert.equal((await h.req('PATCH', '/configs', { body: { mode: 'Global', 'unknown-clash-key': 1 } })).status, 204);
  assert.equal((await h.req('GET', '/configs')).json.mode, 'global');
  assert.equal((await h.req('PATCH', '/configs', { body: { capture: { enable: true, lan: true, interfaces: ['eth1'] }, 'log-level': 'debug' } })).status, 204);
  const after2 = (await h.req('GET', '/configs')).json;
  assert.equal(after2.capture.enable, true);
  assert.deepEqual(after2.capture.interfaces, ['eth1']);
  assert.equal(after2['log-level'], 'debug');
  await h.req('PATCH', '/configs', { body: { mode: 'rule' } });
});

test('PATCH /configs rejects bad values with 400 and changes nothing', async () => {
  for (const body of [{ mode: 'turbo' }, { mode: 3 }, { 'allow-lan': 'yes' }, { capture: { enable: 1 } }, { capture: [] }, { capture: { interfaces: 'eth0' } }, { capture: { 'on-failure': 'maybe' } }, [], 'rule', null]) {
    const r = await h.req('PATCH', '/configs', { body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.code, 'SY_ERR_API_BAD_REQUEST');
    assert.match(r.json.message, /^Body invalid/);
  }
  assert.equal((await h.req('PATCH', '/configs', { raw: '{"mode":' })).status, 400);
  assert.equal((await h.req('GET', '/configs')).json.mode, 'rule');
});

test('PUT /configs reloads from payload or path; a bad config answers 400 with the engine code; POST /restart reloads', async () => {
  assert.equal((await h.req('PUT', '/configs?force=true', { body: { path: '', payload: 'mode: rule\n' } })).status, 204);
  assert.deepEqual(h.deps.state.reloads.at(-1), { force: true, payload: 'mode: rule\n' });
  const bad = await h.req('PUT', '/configs', { body: { payload: 'bad: [' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.code, 'SY_ERR_CONFIG_INVALID');
  const missing = await h.req('PUT', '/configs', { body: { path: '/nonexistent.yaml' } });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.code, 'SY_ERR_API_RELOAD_FAILED');
  assert.equal((await h.req('PUT', '/configs', { body: { payload: 7 } })).status, 400);
  assert.equal((await h.req('PUT', '/configs?force=maybe', { body: {} })).status, 400);
  const n = h.deps.state.reloads.length;
  assert.equal((await h.req('POST', '/restart')).status, 204);
  assert.equal(h.deps.state.reloads.length, n + 1);
});

test('GET /proxies lists every outbound in mihomo shape; groups add now/all; names are URL-decoded', async () => {
  const r = await h.req('GET', '/proxies');
  const p = r.json.proxies;
  assert.deepEqual(Object.keys(p), ['DIRECT', 'REJECT', 'hk-01', 'jp/02 東京', 'slow', 'dead', 'Proxy', 'Auto', 'GLOBAL']);
  assert.equal(p.DIRECT.type, 'Direct');
  assert.equal(p['hk-01'].type, 'Socks5');
  assert.equal(p['hk-01'].server, '198.51.100.1');
  assert.equal(p['jp/02 東京'].udp, false);
  for (const k of ['name', 'type', 'udp', 'uot', 'xudp', 'tfo', 'mptcp', 'smux', 'interface', 'routing-mark', 'dialer-proxy', 'provider-name', 'alive', 'history', 'extra'])
    assert.ok(k in p['hk-01'], k);
  assert.equal(p.Proxy.now, 'hk-01');
  assert.deepEqual(p.Proxy.all, ['hk-01', 'jp/02 東京', 'DIRECT']);
  assert.equal(p.Auto.type, 'URLTest');
  assert.equal(p.Auto.testUrl, 'https://www.gstatic.com/generate_204');
  const one = await h.req('GET', `/proxies/${encodeURIComponent('jp/02 東京')}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.name, 'jp/02 東京');
  const none = await h.req('GET', '/proxies/nope');
  assert.equal(none.status, 404);
  assert.match(none.json.message, /^Resource not found/);
});

test('PUT /proxies/:name selects in a Selector; non-selector 400, unknown member 404, malformed body 400', async () => {
  assert.equal((await h.req('PUT', '/proxies/Proxy', { body: { name: 'jp/02 東京' } })).status, 204);
  assert.equal((await h.req('GET', '/proxies/Proxy')).json.now, 'jp/02 東京');
  const auto = await h.req('PUT', '/proxies/Auto', { body: { name: 'hk-01' } });
  assert.equal(auto.status, 400);
  assert.match(auto.json.message, /^Must be a Selector/);
  assert.equal((await h.req('PUT', '/proxies/hk-01', { body: { name: 'x' } })).status, 400);
  assert.equal((await h.req('PUT', '/proxies/Proxy', { body: { name: 'nope' } })).status, 404);
  assert.equal((await h.req('PUT', '/proxies/Proxy', { body: {} })).status, 400);
  assert.equal((await h.req('PUT', '/proxies/Proxy', { body: { name: 5 } })).status, 400);
  assert.equal((await h.req('PUT', '/proxies/Proxy', { raw: 'name=DIRECT' })).status, 400);
  assert.equal((await h.req('PUT', '/proxies/nope', { body: { name: 'DIRECT' } })).status, 404);
});

test('DELETE /proxies/:name clears the pin of a group; a leaf is 400', async () => {
  assert.equal((await h.req('DELETE', '/proxies/Auto')).status, 204);
  assert.equal((await h.req('DELETE', '/proxies/hk-01')).status, 400);
  assert.equal((await h.req('DELETE', '/proxies/nope')).status, 404);
});

test('GET /proxies/:name/delay: delay, 504 on timeout, 503 on failure, 400 on bad query', async () => {
  const ok = await h.req('GET', '/proxies/hk-01/delay?url=http%3A%2F%2F203.0.113.1%2F&timeout=2000&expected=204');
  assert.deepEqual(ok.json, { delay: 42 });
  assert.equal((await h.req('GET', '/proxies/hk-01')).json.history.at(-1).delay, 42);
  const slow = await h.req('GET', '/proxies/slow/delay?timeout=50');
  assert.equal(slow.status, 504);
  assert.match(slow.json.message, /^Timeout/);
  const dead = await h.req('GET', '/proxies/dead/delay');
  assert.equal(dead.status, 503);
  assert.equal(dead.json.code, 'SY_ERR_API_DELAY_FAILED');
  for (const q of ['timeout=abc', 'timeout=0', 'timeout=9999999', 'url=ftp%3A%2F%2Fx', 'expected=abc']) {
    const r = await h.req('GET', `/proxies/hk-01/delay?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.code, 'SY_ERR_API_BAD_QUERY');
  }
  assert.equal((await h.req('GET', '/proxies/nope/delay')).status, 404);
});

test('GET /group lists groups only; /group/:name/delay maps members to delays (failures left out)', async () => {
  const g = await h.req('GET', '/group');
  assert.deepEqual(g.json.proxies.map((p: { name: string }) => p.name), ['Proxy', 'Auto', 'GLOBAL']);
  assert.equal((await h.req('GET', '/group/Auto')).json.type, 'URLTest');
  assert.equal((await h.req('GET', '/group/hk-01')).status, 404);
  const d = await h.req('GET', '/group/Auto/delay?timeout=50');
  assert.deepEqual(d.json, { 'hk-01': 42 });
  assert.equal((await h.req('GET', '/group/nope/delay')).status, 404);
});

test('GET /rules: index, CamelCase type, proxy, size and extra hit counts; PATCH /rules/disable', async () => {
  const r = await h.req('GET', '/rules');
  assert.equal(r.json.rules.length, 4);
  assert.deepEqual(r.json.rules[0], {
    index: 0, type: 'DomainSuffix', payload: 'example.com', proxy: 'Proxy', size: -1,
    extra: { disabled: false, hitCount: 3, hitAt: '2026-11-22T10:00:00.000Z', missCount: 1, missAt: '0001-01-01T00:00:00Z' },
  });
  assert.equal(r.json.rules[1].size, 120);
  assert.equal((await h.req('PATCH', '/rules/disable', { body: { '1': true, '3': true } })).status, 204);
  const after1 = (await h.req('GET', '/rules')).json.rules;
  assert.equal(after1[1].extra.disabled, true);
  assert.equal((await h.req('PATCH', '/rules/disable', { body: { '3': false } })).status, 204);
  for (const body of [{ '4': true }, { '-1': true }, { a: true }, { '0': 'yes' }, [true]]) {
    const bad = await h.req('PATCH', '/rules/disable', { body });
    assert.equal(bad.status, 400, JSON.stringify(body));
  }
  // all-or-nothing: a bad entry means no change at all
  await h.req('PATCH', '/rules/disable', { body: { '0': true, '99': true } });
  assert.equal((await h.req('GET', '/rules')).json.rules[0].extra.disabled, false);
});

test('/providers/rules: status in mihomo shape; PUT updates (204) or 503 with the reason; unknown 404', async () => {
  const r = await h.req('GET', '/providers/rules');
  assert.deepEqual(Object.keys(r.json.providers), ['ads', 'broken', 'local']);
  const ads = r.json.providers.ads;
  assert.equal(ads.type, 'Rule');
  assert.equal(ads.behavior, 'Domain');
  assert.equal(ads.format, 'TextRule');
  assert.equal(ads.vehicleType, 'HTTP');
  assert.equal(ads.ruleCount, 120);
  assert.equal(ads.updatedAt, '2026-11-22T09:00:00.000Z');
  assert.equal(r.json.providers.broken.behavior, 'IPCIDR');
  assert.equal(r.json.providers.broken.lastError, 'HTTP 500');
  assert.deepEqual(r.json.providers.local.payload, ['DOMAIN,a.example']);
  assert.equal((await h.req('GET', '/providers/rules/ads')).json.name, 'ads');
  assert.equal((await h.req('PUT', '/providers/rules/ads')).status, 204);
  const b = await h.req('PUT', '/providers/rules/broken');
  assert.equal(b.status, 503);
  assert.equal(b.json.code, 'SY_ERR_API_PROVIDER_UPDATE');
  assert.match(b.json.message, /HTTP 500/);
  assert.equal((await h.req('PUT', '/providers/rules/nope')).status, 404);
  assert.deepEqual(h.deps.state.providerUpdates, ['ads', 'broken']);
});

test('/providers/proxies: the default Compatible provider lists every non-group proxy', async () => {
  const r = await h.req('GET', '/providers/proxies');
  const d = r.json.providers.default;
  assert.equal(d.vehicleType, 'Compatible');
  assert.equal(d.type, 'Proxy');
  assert.ok(d.proxies.some((p: { name: string }) => p.name === 'hk-01'));
  assert.ok(!d.proxies.some((p: { name: string }) => p.name === 'Proxy'));
  assert.equal((await h.req('GET', '/providers/proxies/default/hk-01')).json.name, 'hk-01');
  assert.deepEqual((await h.req('GET', '/providers/proxies/default/hk-01/healthcheck')).json, { delay: 42 });
  assert.equal((await h.req('GET', '/providers/proxies/nope')).status, 404);
  assert.equal((await h.req('PUT', '/providers/proxies/default')).status, 204);
});

test('/connections: snapshot, DELETE one (always 204), DELETE all, /connections/closed history', async () => {
  const a = h.deps.openConnection();
  const b = h.deps.openConnection({ network: 'udp', dstPort: 53 });
  a.counters.up = 300;
  a.counters.down = 900;
  const s = await h.req('GET', '/connections');
  assert.equal(s.status, 200);
  assert.equal(s.json.connections.length, 2);
  const ca = s.json.connections.find((c: { id: string }) => c.id === a.id);
  assert.match(ca.id, UUID);
  assert.equal(ca.upload, 300);
  assert.equal(ca.metadata.destinationPort, '443');
  assert.equal(typeof ca.metadata.sourcePort, 'string');
  assert.deepEqual(ca.chains, ['hk-01', 'Proxy']);
  assert.equal(ca.rule, 'DomainSuffix');
  assert.ok(s.json.uploadTotal >= 300);
  assert.equal((await h.req('DELETE', `/connections/${a.id}`)).status, 204);
  assert.equal(a.killed(), true);
  assert.equal((await h.req('DELETE', '/connections/not-a-real-id')).status, 204);
  assert.equal((await h.req('DELETE', '/connections')).status, 204);
  assert.equal(b.killed(), true);
  assert.equal((await h.req('GET', '/connections')).json.connections.length, 0);
  const closed = await h.req('GET', '/connections/closed');
  assert.deepEqual(closed.json.connections.slice(0, 2).map((c: { id: string }) => c.id), [b.id, a.id]);
  assert.equal(closed.json.connections[1].reason, 'killed');
  assert.equal(closed.json.connections[1].upload, 300);
  assert.ok(closed.json.connections[1].end);
  assert.equal((await h.req('GET', '/connections?interval=abc')).status, 400);
});

test('cache flushes and /dns/query', async () => {
  assert.equal((await h.req('POST', '/cache/fakeip/flush')).status, 204);
  assert.equal((await h.req('POST', '/cache/dns/flush')).status, 204);
  assert.equal(h.deps.state.fakeIpFlushes, 1);
  assert.equal(h.deps.state.dnsFlushes, 1);
  const q = await h.req('GET', '/dns/query?name=Example.COM.&type=A');
  assert.equal(q.json.Status, 0);
  assert.deepEqual(q.json.Question, [{ Name: 'example.com.', Qtype: 1, Qclass: 1 }]);
  assert.equal(q.json.Answer[0].data, '203.0.113.7');
  assert.equal((await h.req('GET', '/dns/query?name=example.com&type=aaaa')).json.Question[0].Qtype, 28);
  const down = await h.req('GET', '/dns/query?name=unreachable.example');
  assert.equal(down.status, 502);
  assert.equal(down.json.code, 'SY_ERR_DNS_RESOLVE');
  for (const q2 of ['', 'name=', 'name=a%20b', 'name=example.com&type=BOGUS', 'name=example.com&type=70000', `name=${'a'.repeat(300)}`]) {
    const r = await h.req('GET', `/dns/query?${q2}`);
    assert.equal(r.status, 400, q2);
  }
});

test('GET /match explains a decision; bad queries are 400', async () => {
  const r = await h.req('GET', '/match?host=www.example.com&port=443&network=tcp');
  assert.deepEqual(r.json, { target: 'Proxy', rule: 'DOMAIN-SUFFIX', payload: 'example.com', index: 0, chain: ['hk-01', 'Proxy'] });
  assert.equal((await h.req('GET', '/match?ip=203.0.113.9')).json.target, 'Auto');
  for (const q of ['', 'host=a%20b', 'ip=999.1.1.1', 'host=x.org&port=70000', 'host=x.org&network=sctp', 'host=x.org&src=nope']) {
    assert.equal((await h.req('GET', `/match?${q}`)).status, 400, q);
  }
});

test('/storage/:key: null when unset, PUT/GET round trip, DELETE, 1 MB limit, bad keys', async () => {
  assert.equal((await h.req('GET', '/storage/zashboard')).body, 'null');
  assert.equal((await h.req('PUT', '/storage/zashboard', { body: { theme: 'dark', n: [1, 2] } })).status, 204);
  assert.deepEqual((await h.req('GET', '/storage/zashboard')).json, { theme: 'dark', n: [1, 2] });
  assert.equal((await h.req('DELETE', '/storage/zashboard')).status, 204);
  assert.equal((await h.req('GET', '/storage/zashboard')).body, 'null');
  const big = await h.req('PUT', '/storage/big', { body: { s: 'x'.repeat((1 << 20) + 10) } });
  assert.ok(big.status === 413, String(big.status));
  assert.ok(big.json.message);
  assert.equal((await h.req('PUT', '/storage/a%20b', { body: 1 })).status, 400);
  assert.ok([400, 404].includes((await h.req('PUT', '/storage/%2E%2E', { body: 1 })).status));
  assert.equal((await h.req('GET', `/storage/${'k'.repeat(65)}`)).status, 400);
  assert.equal((await h.req('PUT', '/storage/x', { raw: '{nope' })).status, 400);
  assert.equal((await h.req('PUT', '/storage/x')).status, 400);
});

test('/ui: redirect to /ui/, and a page saying the dashboard is not built when uiDir is null', async () => {
  const r = await h.req('GET', '/ui');
  assert.equal(r.status, 302);
  assert.equal(r.headers.location, '/ui/');
  const p = await h.req('GET', '/ui/', { headers: { authorization: '' } });
  assert.equal(p.status, 200);
  assert.match(p.body, /not built/);
});

test('mihomo self-upgrade endpoints answer 501 with a reason', async () => {
  for (const url of ['/upgrade', '/upgrade/ui']) {
    const r = await h.req('POST', url);
    assert.equal(r.status, 501, url);
    assert.equal(r.json.code, 'SY_ERR_API_UNAVAILABLE');
  }
});

test('POST /configs/geo (and /upgrade/geo) updates the geodata now: 204, the updater\'s error with its code, 501 without one', async () => {
  const d = h.deps as { updateGeoData?: () => Promise<number> };
  try {
    assert.equal((await h.req('POST', '/configs/geo')).status, 501, 'no updater in this core');
    let calls = 0;
    d.updateGeoData = async () => {
      calls++;
      return 2;
    };
    assert.equal((await h.req('POST', '/configs/geo')).status, 204);
    assert.equal((await h.req('POST', '/upgrade/geo')).status, 204);
    assert.equal(calls, 2);
    d.updateGeoData = async () => {
      throw new SyError('SY_ERR_RULE_GEOSITE_DATA', { where: 'geox-url.geosite', detail: 'not a GeoSiteList' });
    };
    const bad = await h.req('POST', '/configs/geo');
    assert.ok(bad.status >= 400, `a failed update is an error (${bad.status})`);
    assert.equal(bad.json.code, 'SY_ERR_RULE_GEOSITE_DATA');
    assert.match(bad.json.message, /GeoSiteList/);
  } finally {
    delete d.updateGeoData;
  }
});

test('unknown routes and methods: 404 {message}', async () => {
  const r = await h.req('GET', '/nope');
  assert.equal(r.status, 404);
  assert.deepEqual(r.json, { message: 'Resource not found', code: 'SY_ERR_API_NOT_FOUND' });
  assert.equal((await h.req('POST', '/version')).status, 404);
});
