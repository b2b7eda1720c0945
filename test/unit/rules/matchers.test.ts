// Each rule type, positive and negative, as reference.md §2.3 specifies.
// A case is [rule without target, connection, matches?]; the rule gets the
// target G and is followed by MATCH,REJECT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Metadata } from '../../../main/core/metadata.js';
import type { GeoIpReader } from '../../../main/rules/geoip.js';
import { decide, engineFor, meta, show } from './helpers.js';

type Case = [rule: string, conn: Partial<Metadata>, matches: boolean];

const FAKE_GEO: GeoIpReader = {
  country: (ip) => (ip.startsWith('203.0.113.') ? 'cn' : ip.startsWith('2001:db8:86') ? 'CN' : ip === '198.51.100.7' ? 'US' : null),
};

async function check(cases: Case[]): Promise<void> {
  for (const [rule, conn, want] of cases) {
    const params = rule.split(',').slice(2);
    const head = rule.split(',').slice(0, 2).join(',');
    const joined = /^(AND|OR|NOT|DOMAIN-REGEX),/i.test(rule);
    const line = joined ? `${rule},G` : [head, 'G', ...params].join(',');
    const { engine } = await engineFor([line, 'MATCH,REJECT'], { geoip: FAKE_GEO, findProcess: 'off' });
    const d = await decide(engine, meta(conn));
    assert.equal(d.target === 'G', want, `${line} on ${JSON.stringify(conn)} → ${show(d)}`);
  }
}

test('DOMAIN: equality after host normalisation (case, trailing dot, IDNA)', () =>
  check([
    ['DOMAIN,example.com', { host: 'example.com' }, true],
    ['DOMAIN,example.com', { host: 'EXAMPLE.com.' }, true],
    ['DOMAIN,Example.COM', { host: 'example.com' }, true],
    ['DOMAIN,example.com', { host: 'www.example.com' }, false],
    ['DOMAIN,example.com', { host: '' , dstIP: '192.0.2.1' }, false],
    ['DOMAIN,bücher.example', { host: 'xn--bcher-kva.example' }, true],
    ['DOMAIN,xn--bcher-kva.example', { host: 'BÜCHER.example' }, true],
    ['DOMAIN,example.com', { host: 'other.org', sniffHost: 'example.com' }, true],
  ]));

test('DOMAIN-SUFFIX: the name itself or a subdomain, never a longer label', () =>
  check([
    ['DOMAIN-SUFFIX,google.com', { host: 'mail.google.com' }, true],
    ['DOMAIN-SUFFIX,google.com', { host: 'google.com' }, true],
    ['DOMAIN-SUFFIX,google.com', { host: 'notgoogle.com' }, false],
    ['DOMAIN-SUFFIX,google.com', { host: 'content-google.com' }, false],
    ['DOMAIN-SUFFIX,google.com', { host: 'google.com.evil.net' }, false],
  ]));

test('DOMAIN-KEYWORD: substring, case-insensitive; empty host never matches', () =>
  check([
    ['DOMAIN-KEYWORD,goog', { host: 'www.google.com' }, true],
    ['DOMAIN-KEYWORD,GOOG', { host: 'www.google.com' }, true],
    ['DOMAIN-KEYWORD,goog', { host: 'www.example.com' }, false],
    ['DOMAIN-KEYWORD,goog', { host: '', dstIP: '192.0.2.1' }, false],
  ]));

test('DOMAIN-REGEX: unanchored, IgnoreCase, commas allowed in the payload', () =>
  check([
    ['DOMAIN-REGEX,^abc.*com', { host: 'abcdef.com' }, true],
    ['DOMAIN-REGEX,^abc.*com', { host: 'ABC.example.COM' }, true],
    ['DOMAIN-REGEX,^abc.*com', { host: 'xabc.com' }, false],
    ['DOMAIN-REGEX,ad[0-9]', { host: 'img.ad7.example' }, true],
    ['DOMAIN-REGEX,^a{1,2}\\.example$', { host: 'aa.example' }, true],
    ['DOMAIN-REGEX,^a{1,2}\\.example$', { host: 'aaa.example' }, false],
  ]));

test('IP-CIDR / IP-CIDR6 (aliases): IPv4-mapped unmapped, zone stripped, invalid or empty IP never matches', () =>
  check([
    ['IP-CIDR,192.0.2.0/24', { dstIP: '192.0.2.200' }, true],
    ['IP-CIDR,192.0.2.0/24', { dstIP: '192.0.3.1' }, false],
    ['IP-CIDR,192.0.2.0/24', { dstIP: '::ffff:192.0.2.9' }, true],
    ['IP-CIDR6,2001:db8::/32', { dstIP: '2001:db8:1::1' }, true],
    ['IP-CIDR,2001:db8::/32', { dstIP: '2001:db8:1::1' }, true],
    ['IP-CIDR6,fe80::/10', { dstIP: 'fe80::1%eth0' }, true],
    ['IP-CIDR,192.0.2.0/24', { dstIP: 'not-an-ip' }, false],
    ['IP-CIDR,0.0.0.0/0', { dstIP: '' , host: ''}, false],
    ['IP-CIDR,0.0.0.0/0', { dstIP: '2001:db8::1' }, false],
    ['IP-CIDR,192.0.2.0/24,no-resolve,src', { srcIP: '192.0.2.10', dstIP: '203.0.113.1' }, true],
    ['SRC-IP-CIDR,192.0.2.0/24', { srcIP: '192.0.2.10', dstIP: '203.0.113.1' }, true],
    ['SRC-IP-CIDR,198.51.100.0/24', { srcIP: '192.0.2.10', dstIP: '198.51.100.1' }, false],
  ]));

test('IP-SUFFIX: the last n bits, same family only', () =>
  check([
    ['IP-SUFFIX,8.8.8.8/24', { dstIP: '203.8.8.8' }, true],
    ['IP-SUFFIX,8.8.8.8/24', { dstIP: '203.8.8.9' }, false],
    ['IP-SUFFIX,::1/16', { dstIP: '2001:db8::1' }, true],
    ['IP-SUFFIX,::1/16', { dstIP: '192.0.2.1' }, false],
    ['IP-SUFFIX,0.0.0.10/8,src', { srcIP: '192.0.2.10', dstIP: '203.0.113.1' }, true],
  ]));

test('GEOIP: country from the reader, case-insensitive; LAN without a database', () =>
  check([
    ['GEOIP,CN', { dstIP: '203.0.113.5' }, true],
    ['GEOIP,cn', { dstIP: '2001:db8:86::1' }, true],
    ['GEOIP,CN', { dstIP: '198.51.100.7' }, false],
    ['GEOIP,US', { dstIP: '198.51.100.7' }, true],
    ['GEOIP,CN', { dstIP: '' , host: ''}, false],
    ['GEOIP,LAN', { dstIP: '10.1.2.3' }, true],
    ['GEOIP,LAN', { dstIP: '192.168.1.1' }, true],
    ['GEOIP,LAN', { dstIP: '127.0.0.1' }, true],
    ['GEOIP,LAN', { dstIP: '0.0.0.0' }, true],
    ['GEOIP,LAN', { dstIP: '224.0.0.251' }, true],
    ['GEOIP,LAN', { dstIP: '169.254.1.1' }, true],
    ['GEOIP,LAN', { dstIP: '255.255.255.255' }, true],
    ['GEOIP,LAN', { dstIP: 'fd00::1' }, true],
    ['GEOIP,LAN', { dstIP: 'fe80::1' }, true],
    ['GEOIP,LAN', { dstIP: '::1' }, true],
    ['GEOIP,LAN', { dstIP: '203.0.113.5' }, false],
    ['GEOIP,LAN', { dstIP: '2001:db8::1' }, false],
    ['GEOIP,CN,src', { srcIP: '203.0.113.9', dstIP: '198.51.100.7' }, true],
  ]));

test('DST-PORT / SRC-PORT / IN-PORT: single ports, lists and ranges', () =>
  check([
    ['DST-PORT,443', { dstPort: 443 }, true],
    ['DST-PORT,80/443/8000-9000', { dstPort: 8500 }, true],
    ['DST-PORT,80/443/8000-9000', { dstPort: 9001 }, false],
    ['SRC-PORT,40000-40010', { srcPort: 40005 }, true],
    ['SRC-PORT,40000-40010', { srcPort: 39999 }, false],
    ['IN-PORT,7893', { inboundPort: 7893 }, true],
    ['IN-PORT,7893', { inboundPort: 7890 }, false],
  ]));

test('NETWORK: tcp or udp, case-insensitive', () =>
  check([
    ['NETWORK,tcp', { network: 'tcp' }, true],
    ['NETWORK,UDP', { network: 'udp' }, true],
    ['NETWORK,udp', { network: 'tcp' }, false],
  ]));

test('PROCESS-NAME: case-insensitive equality; UID: ranges, uid 0 never matches', () =>
  check([
    ['PROCESS-NAME,curl', { process: 'curl' }, true],
    ['PROCESS-NAME,Curl', { process: 'CURL' }, true],
    ['PROCESS-NAME,curl', { process: 'curl2' }, false],
    ['PROCESS-NAME,curl', {}, false],
    ['UID,1000/2000-2010', { uid: 2005 }, true],
    ['UID,1000/2000-2010', { uid: 1001 }, false],
    ['UID,0-10', { uid: 0 }, false],
    ['UID,1000', {}, false],
  ]));

test('AND / OR / NOT: nested, only UDP to baidu.com for the reference vector', () =>
  check([
    ['AND,((DOMAIN,baidu.com),(NETWORK,UDP))', { host: 'baidu.com', network: 'udp' }, true],
    ['AND,((DOMAIN,baidu.com),(NETWORK,UDP))', { host: 'baidu.com', network: 'tcp' }, false],
    ['AND,((DOMAIN,baidu.com),(NETWORK,UDP))', { host: 'qq.com', network: 'udp' }, false],
    ['OR,((DOMAIN,a.example),(DST-PORT,22))', { host: 'b.example', dstPort: 22 }, true],
    ['OR,((DOMAIN,a.example),(DST-PORT,22))', { host: 'b.example', dstPort: 23 }, false],
    ['NOT,((DOMAIN-SUFFIX,example.com))', { host: 'example.org' }, true],
    ['NOT,((DOMAIN-SUFFIX,example.com))', { host: 'www.example.com' }, false],
    ['AND,((OR,((DOMAIN,a.example),(DOMAIN,b.example))),(NOT,((NETWORK,udp))))', { host: 'b.example' }, true],
    ['AND,((OR,((DOMAIN,a.example),(DOMAIN,b.example))),(NOT,((NETWORK,udp))))', { host: 'b.example', network: 'udp' }, false],
    ['AND,((DOMAIN-REGEX,^a{1,3}\\.example$),(NETWORK,tcp))', { host: 'aa.example' }, true],
  ]));

test('MATCH matches everything', async () => {
  const { engine } = await engineFor(['MATCH,G']);
  assert.equal((await decide(engine, meta({ host: 'anything.example' }))).target, 'G');
  assert.equal((await decide(engine, meta({ dstIP: '2001:db8::1' }))).target, 'G');
});

test('RuleInfo exposes the type and payload as written and the CamelCase API name', async () => {
  const { engine } = await engineFor([
    'DOMAIN-SUFFIX,Google.com,G',
    'IP-CIDR6,2001:db8::/32,DIRECT,no-resolve',
    'GEOIP,cn,DIRECT',
    'DST-PORT,22,REJECT',
    'AND,((DOMAIN,a.example),(NETWORK,udp)),REJECT',
    'MATCH,G',
  ]);
  assert.deepEqual(
    engine.rules.map((r) => [r.type, r.apiType, r.payload, r.target, r.params.join(' ')]),
    [
      ['DOMAIN-SUFFIX', 'DomainSuffix', 'Google.com', 'G', ''],
      ['IP-CIDR6', 'IPCIDR', '2001:db8::/32', 'DIRECT', 'no-resolve'],
      ['GEOIP', 'GeoIP', 'cn', 'DIRECT', ''],
      ['DST-PORT', 'DstPort', '22', 'REJECT', ''],
      ['AND', 'AND', '((DOMAIN,a.example),(NETWORK,udp))', 'REJECT', ''],
      ['MATCH', 'Match', '', 'G', ''],
    ],
  );
  assert.match(engine.rules[0]!.where, /config\.yaml:\d+:\d+ rules\[0\]/);
});
