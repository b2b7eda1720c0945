// Inbound and outbound together: the mixed port -> a small dispatcher that
// picks through a real group -> a SOCKS5 upstream (real dante) -> local echo
// servers, for TCP (by name, resolved by dante) and UDP (ASSOCIATE on both
// sides). What the tunnel does, minus rules and stats.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dgram from 'node:dgram';
import { createMixedInbound, type MixedInbound } from '../../../main/inbound/mixed.js';
import { buildOutbounds, type OutboundSet } from '../../../main/outbound/build.js';
import { plainSocketFactory } from '../../../main/outbound/socket-factory.js';
import { memoryStateStore } from '../../../main/outbound/state-store.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import type { Dispatcher } from '../../../main/core/dispatcher.js';
import type { UdpFlow } from '../../../main/core/outbound.js';
import { danteAvailable, startDante, type Dante } from '../../helpers/dante.js';
import { tcpEcho, udpEcho, readN, tableResolver } from '../outbound/peers.js';
import { group, proxy } from '../outbound/configs.js';

const skip = !danteAvailable() && 'dante-server is not installed';
let dante: Dante;
let set: OutboundSet;
let inbound: MixedInbound;
const chains: string[][] = [];
const flows: UdpFlow[] = [];

before(async () => {
  if (skip) return;
  dante = await startDante();
  set = buildOutbounds(
    { proxies: [proxy({ name: 'dante', port: dante.port })], proxyGroups: [group({ name: 'Proxy', type: 'select', proxies: ['dante', 'DIRECT'] })] },
    { sockets: plainSocketFactory, resolver: tableResolver(), state: memoryStateStore(), logger: NULL_LOGGER },
  );
  const udpFlows = new Map<string, Promise<UdpFlow>>();
  const dispatcher: Dispatcher = {
    handleTcp(client, meta, head) {
      const picked = set.group('Proxy')!.pick(meta)!;
      chains.push(picked.chain);
      picked.leaf.dialTcp({ host: meta.host, ip: meta.dstIP, port: meta.dstPort }, meta).then(
        (up) => {
          if (head) up.write(head);
          client.pipe(up).pipe(client);
          client.on('close', () => up.destroy());
          up.on('close', () => client.destroy());
          client.on('error', () => up.destroy());
          up.on('error', () => client.destroy());
        },
        () => client.destroy(),
      );
    },
    handleUdp(packet, meta, replier) {
      const key = `${meta.srcIP}:${meta.srcPort}`;
      let f = udpFlows.get(key);
      if (!f) {
        const picked = set.group('Proxy')!.pick(meta)!;
        f = picked.leaf.dialUdp(meta).then((flow) => {
          flows.push(flow);
          flow.onMessage((d, from) => replier.send(d, from));
          return flow;
        });
        udpFlows.set(key, f);
      }
      void f.then((flow) => flow.send(packet.data, { host: meta.host, ip: meta.dstIP, port: meta.dstPort }));
    },
  };
  inbound = createMixedInbound({ port: 0, allowLan: false, dispatcher, logger: NULL_LOGGER });
  await inbound.start();
});
after(async () => {
  for (const f of flows) f.close();
  await inbound?.close();
  await dante?.stop();
});

test('TCP: SOCKS5 client -> mixed port -> select group -> dante -> echo, by name', { skip }, async (t) => {
  const echo = await tcpEcho();
  t.after(() => echo.close());
  const s = net.connect({ host: '127.0.0.1', port: inbound.addresses()[0]!.port });
  t.after(() => s.destroy());
  s.write(Buffer.from([5, 1, 0, 5, 1, 0, 3, 9, ...Buffer.from('localhost'), echo.port >> 8, echo.port & 255]));
  await readN(s, 12);
  s.write('end to end');
  assert.equal((await readN(s, 10)).toString(), 'end to end');
  assert.deepEqual(chains.at(-1), ['dante', 'Proxy']);
});

test('UDP: SOCKS5 UDP ASSOCIATE on the mixed port -> dante UDP ASSOCIATE -> echo and back', { skip }, async (t) => {
  const echo = await udpEcho();
  t.after(() => echo.close());
  const ctl = net.connect({ host: '127.0.0.1', port: inbound.addresses()[0]!.port });
  t.after(() => ctl.destroy());
  ctl.write(Buffer.from([5, 1, 0, 5, 3, 0, 1, 0, 0, 0, 0, 0, 0]));
  const rep = await readN(ctl, 12);
  const relayPort = rep.readUInt16BE(10);
  const c = dgram.createSocket('udp4');
  t.after(() => c.close());
  await new Promise<void>((r) => c.bind(0, '127.0.0.1', () => r()));
  const got = new Promise<Buffer>((r) => c.once('message', r));
  c.send(Buffer.concat([Buffer.from([0, 0, 0, 1, 127, 0, 0, 1, echo.port >> 8, echo.port & 255]), Buffer.from('twice wrapped')]), relayPort, '127.0.0.1');
  const reply = await got;
  assert.equal(reply.subarray(10).toString(), 'echo:twice wrapped');
  assert.equal(reply.readUInt16BE(8), echo.port);
});
