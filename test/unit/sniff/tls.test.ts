import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sniffTls, sniff } from '../../../main/sniff/index.js';
import { captureClientHello, handshakeOf, toRecords } from './fixtures.js';

let hello: Buffer;
before(async () => {
  hello = await captureClientHello('Www.Example.COM');
});

test('a real ClientHello from node:tls yields its SNI, lower-cased', () => {
  assert.deepEqual(sniffTls(hello), { host: 'www.example.com' });
  assert.deepEqual(sniff(hello, 'tcp'), { host: 'www.example.com' });
});

test('every proper prefix of the ClientHello is need-more, the whole is the host', () => {
  for (let n = 0; n < hello.length; n++) assert.equal(sniffTls(hello.subarray(0, n)), 'need-more', `prefix ${n}`);
  assert.deepEqual(sniffTls(hello), { host: 'www.example.com' });
});

test('bytes after the ClientHello (early data, next record) do not matter', () => {
  assert.deepEqual(sniffTls(Buffer.concat([hello, Buffer.from([0x17, 3, 3, 0, 2, 1, 2])])), { host: 'www.example.com' });
});

test('a ClientHello split over several TLS records is reassembled', () => {
  const hs = handshakeOf(hello);
  for (const size of [1, 3, 50, 100, 200]) {
    const recs = toRecords(hs, size);
    assert.deepEqual(sniffTls(recs), { host: 'www.example.com' }, `records of ${size}`);
    assert.equal(sniffTls(recs.subarray(0, recs.length - 1)), 'need-more', `records of ${size}, last byte missing`);
  }
});

test('a ClientHello without SNI (connecting by IP) is no', async () => {
  const noSni = await captureClientHello(undefined);
  assert.equal(sniffTls(noSni), 'no');
});

test('non-TLS and non-ClientHello handshakes are no', () => {
  assert.equal(sniffTls(Buffer.from('GET / HTTP/1.1\r\n')), 'no');
  assert.equal(sniffTls(Buffer.from([0x17, 3, 3, 0, 5, 1, 2, 3, 4, 5])), 'no'); // application data
  assert.equal(sniffTls(Buffer.from([0x16, 3, 3, 0, 4, 2, 0, 0, 0])), 'no'); // ServerHello
  assert.equal(sniffTls(Buffer.from([0x16, 9])), 'no'); // bad version
  assert.equal(sniffTls(Buffer.from([0x16, 3, 3, 0, 0])), 'no'); // empty record
});

test('a ClientHello claiming more than 16 KiB is no instead of waiting forever', () => {
  assert.equal(sniffTls(Buffer.from([0x16, 3, 1, 0, 4, 1, 0x01, 0x00, 0x00])), 'no'); // 64 KiB message
});

test('an SNI holding an IP literal or junk characters is no', () => {
  const hs = Buffer.from(handshakeOf(hello));
  // Replace the 15-byte name in place with same-length junk.
  const at = hs.indexOf(Buffer.from('Www.Example.COM'));
  assert.ok(at > 0);
  for (const bad of ['192.168.100.101', 'bad name/x.com!', '...............']) {
    const copy = Buffer.from(hs);
    copy.write(bad, at, 'latin1');
    assert.equal(sniffTls(toRecords(copy, 1 << 14)), 'no', bad);
  }
});
