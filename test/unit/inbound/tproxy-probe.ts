// Runs inside the gateway namespace of tproxy.test.ts: the real TPROXY TCP
// and UDP inbounds (real native module) with a dispatcher that dials the
// original destination directly. Prints one JSON line per event and
// {"ready":true} once listening. Config: SY_PROBE={"port":N}.
import net from 'node:net';
import dgram from 'node:dgram';
import * as native from '../../../native/index.js';
import { createTproxyTcpInbound } from '../../../main/inbound/tproxy-tcp.js';
import { createTproxyUdpInbound } from '../../../main/inbound/tproxy-udp.js';
import type { Dispatcher } from '../../../main/core/dispatcher.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';

const { port } = JSON.parse(process.env.SY_PROBE ?? '{}') as { port: number };
const emit = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
const flows = new Map<string, dgram.Socket>();

const dispatcher: Dispatcher = {
  handleTcp(client, meta) {
    emit({ tcp: meta, paused: client.isPaused() });
    const up = net.connect({ host: meta.dstIP, port: meta.dstPort }, () => {
      client.pipe(up).pipe(client);
      client.resume();
    });
    const done = () => {
      client.destroy();
      up.destroy();
    };
    up.on('error', done);
    client.on('error', done);
  },
  handleUdp(packet, meta, replier) {
    emit({ udp: meta, data: packet.data.toString() });
    const key = `${packet.src.ip}:${packet.src.port}|${packet.dst.ip}:${packet.dst.port}`;
    let s = flows.get(key);
    if (!s) {
      s = dgram.createSocket(net.isIPv6(packet.dst.ip) ? 'udp6' : 'udp4');
      s.on('message', (m, r) => replier.send(m, { ip: r.address, port: r.port }));
      flows.set(key, s);
    }
    s.send(packet.data, packet.dst.port, packet.dst.ip);
  },
};

const tcp = createTproxyTcpInbound({ host: '::', port, family: 6, dispatcher, native, logger: NULL_LOGGER });
const udp = createTproxyUdpInbound({ host: '::', port, family: 6, dispatcher, native, logger: NULL_LOGGER });
await tcp.start();
await udp.start();
emit({ ready: true, tcp: tcp.address(), udp: udp.address() });
process.on('SIGTERM', () => {
  void Promise.all([tcp.close(), udp.close()]).then(() => process.exit(0));
});
