// The UDP NAT table sniffs a flow's first datagrams; a QUIC ClientHello that
// spans two Initial packets is waited for (bounded) before the flow is routed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createUdpNat } from '../../../main/tunnel/udp-nat.js';
import { sniff } from '../../../main/sniff/index.js';
import { newMetadata, type Metadata } from '../../../main/core/metadata.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import type { Outbound, UdpFlow, Destination } from '../../../main/core/outbound.js';
import type { ConnectionTracker } from '../../../main/core/stats.js';
import type { Route } from '../../../main/tunnel/route.js';
import { captureClientHello, handshakeOf, sealInitial, cryptoFrame } from '../sniff/fixtures.js';

let hs: Buffer;
before(async () => {
  hs = handshakeOf(await captureClientHello('quic.example.net'));
});

const tracker: ConnectionTracker = { open: () => ({ id: 'x', update() {}, closed() {} }) };

/** A flow that records what the NAT sends, and a route that records the metadata it decided on. */
function harness(timeoutMs: number) {
  const sent: Array<{ data: Buffer; dst: Destination }> = [];
  const decided: Metadata[] = [];
  const flow: UdpFlow = { send: (data, dst) => void sent.push({ data, dst }), onMessage() {}, onClose() {}, close() {} };
  const leaf = { name: 'DIRECT', type: 'Direct', supportsUdp: true, dialUdp: async () => flow } as unknown as Outbound;
  const nat = createUdpNat({
    logger: NULL_LOGGER,
    tracker,
    idleMs: 60_000,
    prepare: () => {},
    sniffer: { applies: (m) => m.dstPort === 443, sniff: (d) => sniff(d, 'udp'), timeoutMs },
    route: async (meta): Promise<Route> => {
      decided.push({ ...meta });
      return { decision: { target: 'DIRECT', rule: null }, leaf, chain: ['DIRECT'], why: '' };
    },
  });
  const send = (data: Buffer, port = 443) =>
    nat.handle(
      { data, src: { ip: '192.0.2.2', port: 50000 }, dst: { ip: '203.0.113.9', port } },
      newMetadata({ network: 'udp', type: 'TProxy', srcIP: '192.0.2.2', srcPort: 50000, dstIP: '203.0.113.9', dstPort: port, inboundName: 'T' }),
      { send() {}, close() {} },
    );
  return { nat, sent, decided, send };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a ClientHello in two Initial packets: the flow waits for the second, routes once with the SNI, sends both in order', async () => {
  const dcid = Buffer.from('c0ffee00c0ffee00', 'hex');
  const half = Math.floor(hs.length / 2);
  const d1 = sealInitial({ dcid, pn: 0, frames: cryptoFrame(0, hs.subarray(0, half)), padTo: 1200 });
  const d2 = sealInitial({ dcid, pn: 1, frames: cryptoFrame(half, hs.subarray(half)), padTo: 1200 });
  const h = harness(1000);
  h.send(d1);
  await settle(30);
  assert.equal(h.decided.length, 0, 'not routed on half a ClientHello');
  h.send(d2);
  await settle(30);
  assert.equal(h.decided.length, 1);
  assert.equal(h.decided[0]!.sniffHost, 'quic.example.net');
  assert.deepEqual(h.sent.map((x) => x.data), [d1, d2]);
  h.nat.close();
});

test('the wait is bounded: with only half a ClientHello the flow is routed after the timeout, without a host', async () => {
  const dcid = Buffer.from('0102030405060708', 'hex');
  const d1 = sealInitial({ dcid, pn: 0, frames: cryptoFrame(0, hs.subarray(0, 100)), padTo: 1200 });
  const h = harness(150);
  const t0 = Date.now();
  h.send(d1);
  await settle(400);
  assert.equal(h.decided.length, 1);
  assert.equal(h.decided[0]!.sniffHost, '');
  assert.ok(Date.now() - t0 >= 150);
  h.nat.close();
});

test('a datagram that is not QUIC, or a port not sniffed, is routed at once', async () => {
  const h = harness(1000);
  h.send(Buffer.from('plain dns-ish payload'), 443);
  h.send(Buffer.from('other'), 53);
  await settle(30);
  assert.equal(h.decided.length, 2);
  h.nat.close();
});
