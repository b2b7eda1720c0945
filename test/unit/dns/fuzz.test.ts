// Randomised malformed input (seeded, reproducible): the handler always
// returns null or a well-formed reply, and the real server survives 10,000+
// bad datagrams and bad TCP streams and still answers a valid query.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { createDnsHandler } from '../../../main/dns/handler.js';
import { createDnsServer, type DnsServer } from '../../../main/dns/server.js';
import { createFakeIpPool } from '../../../main/dns/fake-ip-pool.js';
import { createHostsTable } from '../../../main/dns/hosts.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import type { QueryResult } from '../../../main/dns/resolver.js';
import { queryPacket, udpQuery } from './client.js';
import { prng } from '../../helpers/prng.js';

const CASES = 10_000;
// An in-process upstream: the fuzz is about parsing, not the network.
const upstream = { query: async (): Promise<QueryResult> => ({ rcode: 'NXDOMAIN', answers: [], authorities: [], cached: false }) };
const deps = () => ({
  mode: 'fake-ip' as const,
  fakeIp: createFakeIpPool({ range: '198.18.0.1/16', range6: 'fdfe::1/64' }),
  upstream,
  hosts: createHostsTable({ 'router.lan': ['192.0.2.1'] }),
  ipv6: true,
  logger: NULL_LOGGER,
});

const corpus = [
  queryPacket('www.example.com', 'A'),
  queryPacket('router.lan', 'AAAA', 7, true),
  queryPacket('2.0.18.198.in-addr.arpa', 'PTR'),
  queryPacket('x.example', 'MX', 9, true),
];

function mutate(rand: () => number, base: Buffer): Buffer {
  const kind = Math.floor(rand() * 5);
  if (kind === 0) return base.subarray(0, Math.floor(rand() * (base.length + 1)));
  if (kind === 4) return Buffer.from(Array.from({ length: Math.floor(rand() * 80) }, () => Math.floor(rand() * 256)));
  const b = Buffer.from(base);
  for (let i = 0, n = 1 + Math.floor(rand() * 6); i < n; i++) {
    const at = Math.floor(rand() * b.length);
    if (kind === 1) b[at] = Math.floor(rand() * 256);
    else if (kind === 2) b[at]! ^= 1 << Math.floor(rand() * 8);
    else b[at] = [0x00, 0xff, 0x3f, 0xc0, 0x40][Math.floor(rand() * 5)]!;
  }
  if (rand() < 0.5) b[2]! &= 0x7f; // keep QR clear half the time so the decoder is exercised
  return b;
}

test(`handler: ${CASES} malformed messages give null or a reply with the same id`, async () => {
  const handle = createDnsHandler(deps());
  const rand = prng(0xd45);
  const tally = { none: 0, formerr: 0, other: 0 };
  for (let i = 0; i < CASES; i++) {
    const msg = mutate(rand, corpus[i % corpus.length]!);
    const out = await handle(msg, i % 2 ? 'udp' : 'tcp');
    if (out === null) {
      tally.none++;
      continue;
    }
    const p = dnsPacket.decode(out);
    assert.equal(p.id, msg.readUInt16BE(0), `case ${i}: ${msg.toString('hex')}`);
    assert.equal(p.type, 'response');
    if ((p as unknown as { rcode?: string }).rcode === 'FORMERR') tally.formerr++;
    else tally.other++;
  }
  assert.ok(tally.none > 0 && tally.formerr > 0 && tally.other > 0, JSON.stringify(tally));
});

let server: DnsServer;
before(async () => {
  server = createDnsServer({ listen: { host: '127.0.0.1', port: 0 }, ...deps() });
  await server.start();
});
after(() => server.close());

test(`server: ${CASES} malformed datagrams and garbage TCP streams, then a valid query is still answered`, async () => {
  const port = server.address().port;
  const rand = prng(0xbad);
  const sock = dgram.createSocket('udp4');
  sock.on('message', () => {}); // replies are drained and ignored
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  try {
    for (let i = 0; i < CASES; i += 200) {
      await Promise.all(
        Array.from({ length: 200 }, () => new Promise<void>((r) => sock.send(mutate(rand, corpus[Math.floor(rand() * corpus.length)]!), port, '127.0.0.1', () => r()))),
      );
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    sock.close();
  }
  for (let c = 0; c < 20; c++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    await new Promise<void>((r) => s.on('connect', () => r()));
    const junk = mutate(rand, corpus[c % corpus.length]!);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(c % 3 === 0 ? 5 : junk.length);
    s.end(Buffer.concat([len, junk, Buffer.from([0xff, 0xff, 1])]));
    await new Promise<void>((r) => { s.on('close', () => r()); setTimeout(() => { s.destroy(); r(); }, 300).unref(); });
  }
  const ok = await udpQuery(port, 'still.alive.example', 'A');
  assert.equal(ok.rcode, 'NOERROR');
  assert.equal(ok.answers!.length, 1);
});
