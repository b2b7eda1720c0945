import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sniffQuic, sniff } from '../../../main/sniff/index.js';
import { initialKeys, hkdfExtract, QUIC_V1, QUIC_V2 } from '../../../main/sniff/quic-crypto.js';
import { RFC9001_CLIENT_INITIAL } from './rfc9001-vector.js';
import { captureClientHello, cryptoFrame, handshakeOf, sealInitial } from './fixtures.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const RFC_DCID = hex('8394c8f03e515708');
/** RFC 9001 A.2: the unprotected payload starts with this CRYPTO frame; the rest is PADDING up to 1162 bytes. */
const RFC_CRYPTO_FRAME = hex(`
  060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868
  04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578
  616d706c652e636f6dff01000100000a00080006001d00170018001000070005
  04616c706e000500050100000000003300260024001d00209370b2c9caa47fba
  baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400
  0d0010000e0403050306030203080408050806002d00020101001c0002400100
  3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000
  75300901100f088394c8f03e51570806048000ffff`);

let hs: Buffer; // a real ClientHello handshake message for "quic.example.net"
before(async () => {
  hs = handshakeOf(await captureClientHello('quic.example.net'));
});

test('Initial key derivation matches RFC 9001 A.1', () => {
  assert.equal(
    hkdfExtract(hex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a'), RFC_DCID).toString('hex'),
    '7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44',
  );
  const k = initialKeys(RFC_DCID, QUIC_V1);
  assert.equal(k.key.toString('hex'), '1f369613dd76d5467730efcbe3b1a22d');
  assert.equal(k.iv.toString('hex'), 'fa044b2f42a3fd3b46fb255c');
  assert.equal(k.hp.toString('hex'), '9f50449e04a0e810283a1e9933adedd2');
});

test('the RFC 9001 A.2 client Initial decrypts to SNI example.com', () => {
  assert.equal(RFC9001_CLIENT_INITIAL.length, 1200);
  assert.deepEqual(sniffQuic(RFC9001_CLIENT_INITIAL), { host: 'example.com' });
  assert.deepEqual(sniff(RFC9001_CLIENT_INITIAL, 'udp'), { host: 'example.com' });
});

test('our sealer reproduces the RFC 9001 A.2 packet byte for byte', () => {
  const packet = sealInitial({ dcid: RFC_DCID, pn: 2, pnLen: 4, frames: RFC_CRYPTO_FRAME, padTo: 1200 });
  assert.equal(packet.toString('hex'), RFC9001_CLIENT_INITIAL.toString('hex'));
});

test('a tampered packet (tag, payload or header) is no', () => {
  for (const at of [0, 5, 20, 100, 1199]) {
    const bad = Buffer.from(RFC9001_CLIENT_INITIAL);
    bad[at]! ^= 0x01;
    assert.equal(sniffQuic(bad), 'no', `byte ${at} flipped`);
  }
  assert.equal(sniffQuic(RFC9001_CLIENT_INITIAL.subarray(0, 1199)), 'no', 'truncated datagram');
});

test('CRYPTO frames out of order within one packet are reassembled', () => {
  const a = hs.subarray(0, 40), b = hs.subarray(40, 200), c = hs.subarray(200);
  const frames = Buffer.concat([cryptoFrame(200, c), Buffer.from([0x01]), cryptoFrame(0, a), cryptoFrame(40, b)]);
  const pkt = sealInitial({ dcid: Buffer.from('0102030405060708', 'hex'), frames, padTo: 1200 });
  assert.deepEqual(sniffQuic(pkt), { host: 'quic.example.net' });
});

test('overlapping CRYPTO frames and ACK frames are tolerated', () => {
  const frames = Buffer.concat([
    Buffer.from([0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]), // ACK: largest 0, delay 0, 1 range (gap 0, len 0), first 0
    cryptoFrame(0, hs.subarray(0, 120)),
    cryptoFrame(100, hs.subarray(100)),
  ]);
  const pkt = sealInitial({ dcid: Buffer.from('a1a2a3a4', 'hex'), scid: Buffer.from('b1b2', 'hex'), pnLen: 1, frames, padTo: 1200 });
  assert.deepEqual(sniffQuic(pkt), { host: 'quic.example.net' });
});

test('a ClientHello spanning two datagrams is need-more, then found with both (either order)', () => {
  const dcid = Buffer.from('c0ffee00c0ffee00', 'hex');
  const half = Math.floor(hs.length / 2);
  const d1 = sealInitial({ dcid, pn: 0, frames: cryptoFrame(0, hs.subarray(0, half)), padTo: 1200 });
  const d2 = sealInitial({ dcid, pn: 1, frames: cryptoFrame(half, hs.subarray(half)), padTo: 1200 });
  assert.equal(sniffQuic(d1), 'need-more');
  assert.equal(sniffQuic(d2), 'need-more', 'a later fragment alone waits for offset 0');
  assert.deepEqual(sniffQuic([d1, d2]), { host: 'quic.example.net' });
  assert.deepEqual(sniffQuic([d2, d1]), { host: 'quic.example.net' });
  assert.deepEqual(sniff([d1, d2], 'udp'), { host: 'quic.example.net' });
});

test('coalesced packets in one datagram, and a token, are handled', () => {
  const dcid = Buffer.from('0011223344556677', 'hex');
  const p1 = sealInitial({ dcid, pn: 0, token: Buffer.from('token!'), frames: cryptoFrame(0, hs.subarray(0, 10)) });
  const p2 = sealInitial({ dcid, pn: 1, token: Buffer.from('token!'), frames: cryptoFrame(10, hs.subarray(10)) });
  assert.deepEqual(sniffQuic(Buffer.concat([p1, p2, Buffer.alloc(100)])), { host: 'quic.example.net' });
});

test('QUIC version 2 Initial packets are read too', () => {
  const pkt = sealInitial({ dcid: Buffer.from('8394c8f03e515708', 'hex'), version: QUIC_V2, frames: cryptoFrame(0, hs), padTo: 1200 });
  assert.deepEqual(sniffQuic(pkt), { host: 'quic.example.net' });
});

test('non-QUIC datagrams, short headers, other versions and non-Initial frames are no', () => {
  assert.equal(sniffQuic(Buffer.alloc(0)), 'no');
  assert.equal(sniffQuic(Buffer.from('hello world')), 'no');
  assert.equal(sniffQuic(Buffer.from([0x40, 1, 2, 3, 4, 5, 6, 7, 8])), 'no'); // short header
  const v3 = Buffer.from(RFC9001_CLIENT_INITIAL);
  v3.writeUInt32BE(0xff00001d, 1); // draft-29
  assert.equal(sniffQuic(v3), 'no');
  const stream = sealInitial({ dcid: RFC_DCID, frames: Buffer.from([0x08, 0x00, 0x01, 0x41]), padTo: 1200 }); // STREAM frame: illegal in Initial
  assert.equal(sniffQuic(stream), 'no');
});
