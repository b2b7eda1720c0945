// SOCKS5 address and UDP header encoding (pure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSocksAddress, writeSocksAddress, writeSocksAddressPort, decodeSocksUdp, encodeSocksUdp } from '../../../main/core/socks-address.js';

test('addresses round-trip: IPv4, IPv6 (compressed forms), names', () => {
  const cases: [string, string, number][] = [
    ['192.0.2.7', '192.0.2.7', 1],
    ['2001:db8::1', '2001:db8::1', 4],
    ['::', '::', 4],
    ['::1', '::1', 4],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1', 4],
    ['2001:DB8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6', 4],
    ['fe80::1%eth0', 'fe80::1', 4],
    ['::ffff:198.51.100.9', '198.51.100.9', 1],
    ['example.com', 'example.com', 3],
  ];
  for (const [input, want, atyp] of cases) {
    const b = writeSocksAddressPort(input, 443)!;
    assert.equal(b[0], atyp, input);
    const r = readSocksAddress(b, 0);
    assert.ok(typeof r === 'object', input);
    assert.deepEqual([r.host, r.port, r.end], [want, 443, b.length], input);
  }
});

test('names over 255 bytes and empty names are refused; short and unknown input is reported', () => {
  assert.equal(writeSocksAddress('a'.repeat(256)), null);
  assert.equal(writeSocksAddress(''), null);
  assert.equal(readSocksAddress(Buffer.from([1, 1, 2]), 0), 'short');
  assert.equal(readSocksAddress(Buffer.from([3, 5, 97]), 0), 'short');
  assert.equal(readSocksAddress(Buffer.from([3, 0, 0, 80]), 0), 'bad');
  assert.equal(readSocksAddress(Buffer.from([2, 0, 0]), 0), 'bad');
  assert.equal(readSocksAddress(Buffer.alloc(0), 0), 'short');
});

test('UDP header (one codec for the inbound and the outbound): round trips; fragments and junk are flagged', () => {
  const pkt = encodeSocksUdp(Buffer.from('data'), { host: 'dns.example', port: 53 })!;
  assert.deepEqual(decodeSocksUdp(pkt), { host: 'dns.example', port: 53, atyp: 3, data: Buffer.from('data') });
  const back = encodeSocksUdp(Buffer.from('r'), { host: '2001:db8::5', port: 53 })!;
  assert.deepEqual(decodeSocksUdp(back), { host: '2001:db8::5', port: 53, atyp: 4, data: Buffer.from('r') });
  assert.deepEqual(decodeSocksUdp(encodeSocksUdp(Buffer.from('名'), { host: 'bücher.example', port: 1 })!), { host: 'bücher.example', port: 1, atyp: 3, data: Buffer.from('名') });
  assert.equal(decodeSocksUdp(Buffer.from([0, 0, 1, 1, 1, 2, 3, 4, 0, 53])), 'fragment');
  assert.equal(decodeSocksUdp(Buffer.from([0, 0, 0])), 'bad');
  assert.equal(decodeSocksUdp(Buffer.from([0, 0, 0, 9, 1])), 'bad');
});
