// nameserver-policy, fallback + fallback-filter and hosts, with real UDP
// servers that each answer with their own addresses, so the answer tells
// which server was asked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamResolver } from '../../../main/dns/resolver.js';
import { createHostsTable } from '../../../main/dns/hosts.js';
import { createLogHub, type LogRecord } from '../../../main/core/logger.js';
import { A, AAAA, startUdpZone, type Zone, type ZoneServer } from './zone-fixture.js';

/** A server answering every A with `ip` and every TXT with its own name. */
const zoneOf = (ip: string, label: string): Zone => (name, type) =>
  name === 'nx.test' ? { rcode: 3, answers: [] }
  : type === 'A' ? { answers: [A(name, ip)] }
  : type === 'TXT' ? { answers: [{ type: 'TXT', name, ttl: 60, class: 'IN', data: label }] }
  : { answers: [] };

let main: ZoneServer, corp: ZoneServer, ads: ZoneServer, fb: ZoneServer;
before(async () => {
  [main, corp, ads, fb] = await Promise.all([
    startUdpZone(zoneOf('203.0.113.1', 'main')),
    startUdpZone(zoneOf('192.0.2.2', 'corp')),
    startUdpZone(zoneOf('192.0.2.3', 'ads')),
    startUdpZone(zoneOf('198.51.100.4', 'fallback')),
  ]);
});
after(async () => Promise.all([main, corp, ads, fb].map((s) => s.close())));

const addr = (s: ZoneServer) => `127.0.0.1:${s.port}`;
const first = async (r: UpstreamResolver, name: string) => (await r.query(name, 'A')).answers.map((a) => (a as { data: string }).data)[0];

function logs() {
  const hub = createLogHub({ sink: null });
  const recs: LogRecord[] = [];
  hub.subscribe((x) => recs.push(x));
  return { logger: hub.logger, recs };
}

test('nameserver-policy: domain, +., *., . and comma keys; lists or one server; everything else goes to main', async () => {
  const r = new UpstreamResolver({
    nameservers: [addr(main)],
    policy: {
      '+.corp.test': [addr(corp)],
      '*.one.test,exact.test': [addr(ads)],
      '.below.test': [`udp://${addr(corp)}`, `tcp://${addr(corp)}`],
    },
    timeoutMs: 1000,
  });
  assert.equal(await first(r, 'corp.test'), '192.0.2.2');
  assert.equal(await first(r, 'a.b.corp.test'), '192.0.2.2');
  assert.equal(await first(r, 'x.one.test'), '192.0.2.3');
  assert.equal(await first(r, 'y.x.one.test'), '203.0.113.1', '*. is exactly one label');
  assert.equal(await first(r, 'exact.test'), '192.0.2.3');
  assert.equal(await first(r, 'below.test'), '203.0.113.1', '. excludes the name itself');
  assert.equal(await first(r, 'a.below.test'), '192.0.2.2');
  assert.equal(await first(r, 'elsewhere.test'), '203.0.113.1');
  const txt = await r.query('q.corp.test', 'TXT');
  assert.deepEqual(txt.answers.map((a) => String((a as { data: unknown }).data)), ['corp'], 'non-address types follow the policy too');
  assert.equal(main.count('q.corp.test'), 0, 'the main server never saw policy names');
});

test('nameserver-policy: geosite:/rule-set: keys use the injected matcher in config order; without data they are inactive, reported once', async () => {
  const { logger, recs } = logs();
  const asked: string[] = [];
  const r = new UpstreamResolver({
    nameservers: [addr(main)],
    policy: {
      'geosite:category-ads': [addr(ads)],
      '+.ads.corp.test': [addr(main)], // after the geosite key: never reached for names it matches
      'rule-set:corp': [addr(corp)],
      '+.corp.test': [addr(corp)],
      'geosite:unknown': [addr(ads)],
    },
    matchers: (kind, name) => {
      asked.push(`${kind}:${name}`);
      if (kind === 'geosite' && name === 'category-ads') return (h) => h.startsWith('ad.') || h.endsWith('.ads.corp.test');
      if (kind === 'rule-set' && name === 'corp') return (h) => h === 'intranet.test';
      return null;
    },
    timeoutMs: 1000,
    logger,
  });
  assert.deepEqual(asked, ['geosite:category-ads', 'rule-set:corp', 'geosite:unknown']);
  assert.deepEqual(recs.filter((x) => x.fields.code === 'SY_ERR_DNS_POLICY_INACTIVE').length, 1);
  assert.match(recs.find((x) => x.fields.code === 'SY_ERR_DNS_POLICY_INACTIVE')!.msg, /geosite:unknown/);
  assert.equal(await first(r, 'ad.example.test'), '192.0.2.3');
  assert.equal(await first(r, 'x.ads.corp.test'), '192.0.2.3', 'the earlier geosite key wins');
  assert.equal(await first(r, 'intranet.test'), '192.0.2.2');
  assert.equal(await first(r, 'www.corp.test'), '192.0.2.2');
  assert.equal(await first(r, 'plain.test'), '203.0.113.1');
});

test('a matcher that throws does not break resolution: it does not match', async () => {
  const r = new UpstreamResolver({ nameservers: [addr(main)], policy: { 'geosite:x': [addr(ads)] }, matchers: () => () => { throw new Error('boom'); }, timeoutMs: 1000 });
  assert.equal(await first(r, 'a.test'), '203.0.113.1');
});

const geo: Record<string, string> = { '203.0.113.1': 'US', '198.51.100.4': 'JP', '192.0.2.2': 'CN' };
const geoip = (ip: string) => geo[ip] ?? null;

test('fallback with geoip (default CN): a foreign main answer is replaced by the fallback answer', async () => {
  const r = new UpstreamResolver({ nameservers: [addr(main)], fallback: [addr(fb)], geoip, timeoutMs: 1000, cache: { maxEntries: 0 } });
  assert.equal(await first(r, 'foreign.test'), '198.51.100.4', 'main said US, not CN: fallback');
  const cn = new UpstreamResolver({ nameservers: [addr(corp)], fallback: [addr(fb)], geoip, timeoutMs: 1000 });
  const seen = fb.count('home.test');
  assert.equal(await first(cn, 'home.test'), '192.0.2.2', 'main said CN: kept');
  assert.equal(fb.count('home.test'), seen, 'fallback not asked when main is trusted');
  const us = new UpstreamResolver({ nameservers: [addr(main)], fallback: [addr(fb)], geoip, fallbackFilter: { geoipCode: 'us' }, timeoutMs: 1000 });
  assert.equal(await first(us, 'foreign2.test'), '203.0.113.1', 'geoip-code us: the US answer is kept');
  const off = new UpstreamResolver({ nameservers: [addr(main)], fallback: [addr(fb)], geoip, fallbackFilter: { geoip: false }, timeoutMs: 1000 });
  assert.equal(await first(off, 'foreign3.test'), '203.0.113.1', 'geoip: false');
  const unknown = new UpstreamResolver({ nameservers: [addr(ads)], fallback: [addr(fb)], geoip, timeoutMs: 1000 });
  assert.equal(await first(unknown, 'u.test'), '192.0.2.3', 'unknown country: trusted, as mihomo');
  assert.equal(await first(r, 'nx.test'), undefined);
  assert.ok(fb.count('nx.test') >= 1, 'no address from main: fallback asked');
  const txt = await r.query('t.test', 'TXT');
  assert.deepEqual(txt.answers.map((a) => String((a as { data: unknown }).data)), ['main'], 'only A/AAAA use fallback');
});

test('fallback-filter ipcidr distrusts main answers in those ranges; domain sends names to fallback only', async () => {
  const r = new UpstreamResolver({
    nameservers: [addr(corp)],
    fallback: [addr(fb)],
    fallbackFilter: { geoip: false, ipcidr: ['192.0.2.0/25', 'bad'], domain: ['+.blocked.test'] },
    timeoutMs: 1000,
  });
  assert.equal(await first(r, 'poisoned.test'), '198.51.100.4', '192.0.2.2 is in 192.0.2.0/25');
  assert.equal(await first(r, 'www.blocked.test'), '198.51.100.4');
  assert.equal(corp.count('www.blocked.test'), 0, 'main never asked for fallback-filter domains');
  const pass = new UpstreamResolver({ nameservers: [addr(ads)], fallback: [addr(fb)], fallbackFilter: { geoip: false, ipcidr: ['192.0.2.0/31'] }, timeoutMs: 1000 });
  assert.equal(await first(pass, 'ok.test'), '192.0.2.3');
});

test('fallback-filter geosite uses the injected matcher; geoip without a GeoIP function is reported inactive', async () => {
  const { logger, recs } = logs();
  const r = new UpstreamResolver({
    nameservers: [addr(main)],
    fallback: [addr(fb)],
    fallbackFilter: { geosite: ['gfw'] },
    matchers: (kind, name) => (kind === 'geosite' && name === 'gfw' ? (h) => h === 'walled.test' : null),
    timeoutMs: 1000,
    logger,
  });
  assert.ok(recs.some((x) => x.fields.code === 'SY_ERR_DNS_POLICY_INACTIVE' && /geoip/.test(x.msg)));
  assert.equal(await first(r, 'walled.test'), '198.51.100.4');
  assert.equal(await first(r, 'open.test'), '203.0.113.1', 'no GeoIP: main answers are trusted');
});

test('nameserver-policy wins over fallback-filter', async () => {
  const r = new UpstreamResolver({
    nameservers: [addr(main)],
    fallback: [addr(fb)],
    fallbackFilter: { domain: ['+.x.test'] },
    policy: { 'p.x.test': [addr(corp)] },
    geoip,
    timeoutMs: 1000,
  });
  assert.equal(await first(r, 'p.x.test'), '192.0.2.2');
  assert.equal(await first(r, 'q.x.test'), '198.51.100.4');
});

test('hosts: exact, *. and +. keys, several addresses of both families, domain aliases; resolve() answers from them', async () => {
  const hosts = createHostsTable({
    'router.lan': ['192.0.2.1'],
    '*.svc.lan': ['192.0.2.5'],
    '+.nas.lan': ['192.0.2.6', '2001:db8::6'],
    'bad.lan': ['not-an-ip'],
    'mirror.lan': ['alias-target.test'],
    'loop1.lan': ['loop2.lan'],
    'loop2.lan': ['loop1.lan'],
  });
  const r = new UpstreamResolver({ nameservers: [addr(main)], hosts, timeoutMs: 1000 });
  assert.deepEqual(await r.resolve('router.lan'), ['192.0.2.1']);
  assert.deepEqual(await r.resolve('a.svc.lan'), ['192.0.2.5']);
  assert.deepEqual(await r.resolve('a.b.svc.lan'), ['203.0.113.1'], '*. is one label: upstream');
  assert.deepEqual(await r.resolve('nas.lan'), ['192.0.2.6', '2001:db8::6']);
  assert.deepEqual(await r.resolve('x.y.nas.lan'), ['192.0.2.6', '2001:db8::6']);
  assert.deepEqual(hosts.lookup('bad.lan'), undefined, 'values that are neither addresses nor names are skipped with a warning');
  assert.deepEqual(await r.resolve('mirror.lan'), ['203.0.113.1'], 'an alias resolves as its target');
  assert.ok(main.count('alias-target.test') >= 1, 'the target was asked upstream');
  assert.ok(Array.isArray(await r.resolve('loop1.lan')), 'an alias loop ends');
  assert.equal(main.count('router.lan') + main.count('nas.lan'), 0);
});

// Keep AAAA import used for a v6 main answer check.
test('AAAA follows the same fallback logic', async () => {
  const v6: ZoneServer = await startUdpZone((name, type) => ({ answers: type === 'AAAA' ? [AAAA(name, '2001:db8::1')] : [] }));
  try {
    const r = new UpstreamResolver({ nameservers: [`127.0.0.1:${v6.port}`], fallback: [addr(fb)], fallbackFilter: { geoip: false, ipcidr: ['2001:db8::/32'] }, timeoutMs: 1000 });
    const a = await r.query('six.test', 'AAAA');
    assert.equal(a.answers.length, 0, 'the distrusted v6 answer is replaced by the fallback answer (which has no AAAA)');
    assert.equal(fb.count('six.test'), 1);
  } finally {
    await v6.close();
  }
});

test('fake-ip-filter: geosite:/rule-set: entries through the matcher, inactive ones reported', async () => {
  const { createFakeIpPool } = await import('../../../main/dns/fake-ip-pool.js');
  const { logger, recs } = logs();
  const pool = createFakeIpPool({
    range: '198.18.0.1/16',
    filter: ['+.lan', 'geosite:private', 'rule-set:none'],
    matchers: (kind, name) => (kind === 'geosite' && name === 'private' ? (h) => h.endsWith('.home.arpa') : null),
    logger,
  });
  assert.equal(pool.isFiltered('nas.lan'), true);
  assert.equal(pool.isFiltered('printer.home.arpa'), true);
  assert.equal(pool.isFiltered('www.example.test'), false);
  assert.equal(recs.filter((x) => x.fields.code === 'SY_ERR_DNS_POLICY_INACTIVE').length, 1);
});

test('hosts alias in the DNS server: a CNAME to the alias, then its answer', async () => {
  const { createDnsHandler } = await import('../../../main/dns/handler.js');
  const dnsPacket = (await import('dns-packet')).default;
  const hosts = createHostsTable({ 'mirror.lan': ['alias-target.test'], 'router.lan': ['192.0.2.1', '2001:db8::1'] });
  const upstream = new UpstreamResolver({ nameservers: [addr(main)], timeoutMs: 1000 });
  const handle = createDnsHandler({ mode: 'redir-host', upstream, hosts, ipv6: true, logger: logs().logger });
  const ask = async (name: string, type: 'A' | 'AAAA') => dnsPacket.decode((await handle(dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] }), 'udp'))!);
  const res = await ask('mirror.lan', 'A');
  assert.deepEqual(res.answers!.map((a) => [a.type, a.name, (a as { data: unknown }).data]), [['CNAME', 'mirror.lan', 'alias-target.test'], ['A', 'alias-target.test', '203.0.113.1']]);
  assert.deepEqual((await ask('router.lan', 'AAAA')).answers!.map((a) => (a as { data: unknown }).data), ['2001:db8::1']);
});

test('nameserver-policy: a geosite: prefix covers every comma item (geosite:cn,private,apple), as mihomo splits it', async () => {
  const asked: string[] = [];
  const r = new UpstreamResolver({
    nameservers: [addr(main)],
    policy: { 'geosite:cn,private': [addr(corp)], 'www.baidu.test,+.google.test': [addr(ads)] },
    matchers: (kind, name) => {
      asked.push(`${kind}:${name}`);
      return name === 'private' ? (h) => h.endsWith('.home.arpa') : () => false;
    },
    timeoutMs: 1000,
  });
  assert.deepEqual(asked, ['geosite:cn', 'geosite:private']);
  assert.equal(await first(r, 'nas.home.arpa'), '192.0.2.2');
  assert.equal(await first(r, 'private'), '203.0.113.1', '"private" is a category here, not a host name');
  assert.equal(await first(r, 'maps.google.test'), '192.0.2.3');
});

test('rcode:// pseudo-servers answer locally (mihomo blocking idiom); an unknown rcode is a coded config error', async () => {
  const r = new UpstreamResolver({
    nameservers: [addr(main)],
    policy: { '+.ads.test': ['rcode://success'], '+.gone.test': ['rcode://name_error'], '+.no.test': ['rcode://refused'] },
    timeoutMs: 1000,
  });
  const ok = await r.query('x.ads.test', 'A');
  assert.deepEqual([ok.rcode, ok.answers.length], ['NOERROR', 0]);
  assert.equal((await r.query('x.gone.test', 'A')).rcode, 'NXDOMAIN');
  assert.equal((await r.query('x.no.test', 'AAAA')).rcode, 'REFUSED');
  assert.deepEqual(await r.resolve('x.ads.test'), []);
  assert.equal(main.count('x.ads.test'), 0);
  assert.throws(() => new UpstreamResolver({ nameservers: ['rcode://nope'] }), (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'SY_ERR_DNS_BAD_NAMESERVER');
});

test('#disable-ipv6=true / #disable-ipv4=true: that family is answered empty without asking the server', async () => {
  const r = new UpstreamResolver({ nameservers: [`udp://${addr(main)}#disable-ipv4=true`], timeoutMs: 1000 });
  const a = await r.query('v4off.test', 'A');
  assert.deepEqual([a.rcode, a.answers.length], ['NOERROR', 0]);
  assert.equal(main.count('v4off.test'), 0);
  const r6 = new UpstreamResolver({ nameservers: [`${addr(main)}#disable-ipv6=true`], timeoutMs: 1000 });
  assert.deepEqual(await r6.resolve('v6off.test'), ['203.0.113.1']);
  assert.deepEqual(main.log.filter((l) => l.startsWith('v6off.test')), ['v6off.test A']);
});
