// Runs inside the gateway namespace of tproxy.test.ts: the real TPROXY TCP
// and UDP inbounds (real native module) with a dispatcher that dials the
// original destination through the real DIRECT outbound over SO_MARK
// sockets from native/ (the engine's own wiring). Prints one JSON line per event and
// {"ready":true} once listening. Config: SY_PROBE={"port":N}.
import * as native from '../../../native/index.js';
import { createTproxyTcpInbound } from '../../../main/inbound/tproxy-tcp.js';
import { createTproxyUdpInbound } from '../../../main/inbound/tproxy-udp.js';
import type { Dispatcher } from '../../../main/core/dispatcher.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { DirectOutbound } from '../../../main/outbound/direct.js';
import { fdSocketFactory } from '../../../main/outbound/socket-factory.js';
import type { UdpFlow } from '../../../main/core/outbound.js';

const MARK = 0x20;
const direct = new DirectOutbound('DIRECT', {
  sockets: fdSocketFactory({ tcpFd: (f) => native.createMarkedTcpSocket(f, MARK), udpFd: (f) => native.createMarkedUdpSocket(f, MARK) }),
  resolver: { resolve: async () => [] },
});

const { port } = JSON.parse(process.env.SY_PROBE ?? '{}') as { port: number };
const emit = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
const flows = new Map<string, Promise<UdpFlow>>();

const dispatcher: Dispatcher = {
  handleTcp(client, meta) {
    emit({ tcp: meta, paused: client.isPaused() });
    direct.dialTcp({ host: '', ip: meta.dstIP, port: meta.dstPort }, meta).then(
      (up) => {
        client.pipe(up).pipe(client);
        client.resume();
        const done = () => {
          client.destroy();
          up.destroy();
        };
        up.on('error', done);
        client.on('error', done);
      },
      (err) => {
        emit({ dialError: String(err) });
        client.destroy();
      },
    );
  },
  handleUdp(packet, meta, replier) {
    emit({ udp: meta, data: packet.data.toString() });
    const key = `${packet.src.ip}:${packet.src.port}|${packet.dst.ip}:${packet.dst.port}`;
    let flow = flows.get(key);
    if (!flow) {
      flow = direct.dialUdp(meta).then((f) => {
        f.onMessage((m, from) => replier.send(m, from));
        return f;
      });
      flows.set(key, flow);
    }
    void flow.then((f) => f.send(packet.data, { host: '', ip: packet.dst.ip, port: packet.dst.port }));
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
