// The small syntactic helpers behind config checks: host:port, CIDR,
// nameserver shapes, loopback, and key suggestions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCidr, isDomainPattern, isLoopbackHost, isNameserver, parseHostPort } from '../../../main/config/address.js';
import { editDistance, suggestKey } from '../../../main/config/keys.js';

test('parseHostPort accepts host:port, [v6]:port and :port; refuses the rest', () => {
  assert.deepEqual(parseHostPort('127.0.0.1:9090'), { host: '127.0.0.1', port: 9090 });
  assert.deepEqual(parseHostPort('[::1]:9090'), { host: '::1', port: 9090 });
  assert.deepEqual(parseHostPort(':9090'), { host: '', port: 9090 });
  assert.deepEqual(parseHostPort('localhost:1053'), { host: 'localhost', port: 1053 });
  for (const bad of ['127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', '::1:9090', '[nothost]:1', 'a b:1', '1.2.3.4:80x', '']) {
    assert.equal(parseHostPort(bad), null, bad);
  }
});

test('isLoopbackHost: only 127/8, ::1 and localhost', () => {
  for (const h of ['127.0.0.1', '127.9.9.9', '::1', 'localhost']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['', '0.0.0.0', '::', '192.0.2.1', 'example.com']) assert.ok(!isLoopbackHost(h), h);
});

test('isCidr requires a prefix within the family', () => {
  for (const c of ['192.0.2.0/24', '0.0.0.0/0', '2001:db8::/32', '::/0', '203.0.113.7/32']) assert.ok(isCidr(c), c);
  for (const c of ['192.0.2.0', '192.0.2.0/33', '2001:db8::/129', 'a.b/8', '192.0.2.0/x', '/24']) assert.ok(!isCidr(c), c);
});

test('isNameserver accepts the Clash server shapes', () => {
  for (const s of ['1.1.1.1', '1.1.1.1:53', 'udp://1.1.1.1:53', 'tcp://[2001:db8::1]:53', 'tls://dns.example:853', 'https://dns.example/dns-query', 'quic://dns.example', 'dhcp://eth0', 'system', 'https://1.1.1.1/dns-query#DIRECT']) {
    assert.ok(isNameserver(s), s);
  }
  for (const s of ['udp:/1.1.1.1', 'ftp://x', 'not a server', 'https://', '']) assert.ok(!isNameserver(s), s);
});

test('suggestKey finds close typos only', () => {
  const known = ['mixed-port', 'tproxy-port', 'external-controller', 'mode', 'dns'];
  assert.equal(suggestKey('mixed_port', known), 'mixed-port');
  assert.equal(suggestKey('mixd-port', known), 'mixed-port');
  assert.equal(suggestKey('external-controler', known), 'external-controller');
  assert.equal(suggestKey('Mode', known), 'mode');
  assert.equal(suggestKey('zzz', known), undefined);
  assert.equal(suggestKey('mode', known), undefined, 'an exact key needs no suggestion');
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('isDomainPattern follows the Clash wildcard grammar', () => {
  for (const p of ['example.com', '*.example.com', '+.example.com', '.example.com', 'xbox.*.microsoft.com', '*', 'localhost', 'geosite:cn', 'rule-set:ads', '*.lan']) {
    assert.ok(isDomainPattern(p), p);
  }
  for (const p of ['example.com.', 'a..b', 'a/b', '', '+.', 'ex ample.com', '-bad.com']) assert.ok(!isDomainPattern(p), p);
});
