// Randomised robustness: truncated, mutated and random inputs never make a
// sniffer throw, hang or answer anything but a valid SniffResult.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sniffHttp, sniffQuic, sniffTls, sniff, type SniffResult } from '../../../main/sniff/index.js';
import { captureClientHello, cryptoFrame, handshakeOf, sealInitial, toRecords } from './fixtures.js';
import { prng } from '../../helpers/prng.js';
import { RFC9001_CLIENT_INITIAL } from './rfc9001-vector.js';

const CASES = 12_000;
let corpus: Buffer[] = [];

before(async () => {
  const hello = await captureClientHello('fuzz.example');
  corpus = [
    hello,
    toRecords(handshakeOf(hello), 37),
    Buffer.from('GET http://fuzz.example:81/ HTTP/1.1\r\nHost: h.example\r\nAccept: */*\r\n\r\n'),
    Buffer.from('CONNECT fuzz.example:443 HTTP/1.1\r\n\r\n'),
    RFC9001_CLIENT_INITIAL,
    sealInitial({ dcid: Buffer.from('0102030405060708', 'hex'), frames: cryptoFrame(0, handshakeOf(hello)), padTo: 1200 }),
  ];
});

function valid(r: SniffResult): boolean {
  return r === 'no' || r === 'need-more' || (typeof r === 'object' && typeof r.host === 'string' && r.host.length > 0);
}

function mutate(rand: () => number, base: Buffer): Buffer {
  const kind = Math.floor(rand() * 5);
  if (kind === 0) return base.subarray(0, Math.floor(rand() * (base.length + 1))); // truncate
  if (kind === 4) return Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256))); // random
  const b = Buffer.from(base);
  const flips = 1 + Math.floor(rand() * 8);
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(rand() * b.length);
    if (kind === 1) b[at] = Math.floor(rand() * 256); // overwrite a byte
    else if (kind === 2) b[at]! ^= 1 << Math.floor(rand() * 8); // flip a bit
    else b[at] = [0x00, 0xff, 0x3f, 0x40, 0x80, 0xc0][Math.floor(rand() * 6)]!; // boundary values in length fields
  }
  return b;
}

test(`${CASES} truncated/mutated/random inputs: no throw, valid result, bounded time`, () => {
  const rand = prng(0x5eed);
  const started = Date.now();
  const tally = { host: 0, more: 0, no: 0 };
  for (let i = 0; i < CASES; i++) {
    const input = mutate(rand, corpus[i % corpus.length]!);
    for (const r of [sniffTls(input), sniffHttp(input), sniffQuic(input), sniff(input, 'tcp'), sniff([input, input], 'udp')]) {
      assert.ok(valid(r), `case ${i}: invalid result ${JSON.stringify(r)} for ${input.toString('hex')}`);
      if (r === 'no') tally.no++;
      else if (r === 'need-more') tally.more++;
      else tally.host++;
    }
  }
  const ms = Date.now() - started;
  assert.ok(ms < 60_000, `took ${ms} ms`);
  // Sanity: the fuzzer reached all three outcomes.
  assert.ok(tally.host > 0 && tally.more > 0 && tally.no > 0, JSON.stringify(tally));
});

test('2,000 QUIC Initials with mutated *plaintext* (valid encryption, broken frames or ClientHello): no throw', () => {
  const rand = prng(0x901c);
  const hello = corpus[0]!;
  const hs = hello.subarray(5);
  const plain = Buffer.concat([cryptoFrame(0, hs.subarray(0, 100)), Buffer.from([0x01]), cryptoFrame(100, hs.subarray(100))]);
  const dcid = Buffer.from('0a0b0c0d0e0f1011', 'hex');
  const tally = { host: 0, more: 0, no: 0 };
  for (let i = 0; i < 2000; i++) {
    const frames = mutate(rand, plain);
    if (frames.length < 4) continue;
    const r = sniffQuic(sealInitial({ dcid, frames, pn: i % 4, padTo: 1200 }));
    assert.ok(valid(r), `case ${i}: ${JSON.stringify(r)}`);
    if (r === 'no') tally.no++;
    else if (r === 'need-more') tally.more++;
    else tally.host++;
  }
  assert.ok(tally.host > 0 && tally.no > 0, JSON.stringify(tally));
});
