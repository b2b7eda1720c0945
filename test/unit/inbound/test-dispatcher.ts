// A simple real Dispatcher for inbound tests: dials the destination directly
// (names through a fixed table) and pipes; UDP through one socket per client
// source. Records the metadata it was given.
import net from 'node:net';
import dgram from 'node:dgram';
import type { Dispatcher, UdpReplier, UdpPacket } from '../../../main/core/dispatcher.js';
import type { Metadata } from '../../../main/core/metadata.js';

export interface RecordingDispatcher extends Dispatcher {
  readonly tcp: Metadata[];
  readonly udp: Metadata[];
  close(): void;
}

export function directDispatcher(names: Record<string, string> = { localhost: '127.0.0.1' }): RecordingDispatcher {
  const tcp: Metadata[] = [];
  const udp: Metadata[] = [];
  const flows = new Map<string, dgram.Socket>();
  const open = new Set<net.Socket>();
  return {
    tcp,
    udp,
    handleTcp(client: net.Socket, meta: Metadata, head?: Buffer) {
      tcp.push({ ...meta });
      open.add(client);
      client.on('close', () => open.delete(client));
      client.on('error', () => {});
      const host = meta.dstIP || names[meta.host] || '';
      if (!host) return void client.destroy();
      const up = net.connect({ host, port: meta.dstPort }, () => {
        if (head) up.write(head);
        client.pipe(up);
        up.pipe(client);
        client.resume();
      });
      open.add(up);
      up.on('close', () => {
        open.delete(up);
        client.destroy();
      });
      up.on('error', () => client.destroy());
      client.on('close', () => up.destroy());
    },
    handleUdp(packet: UdpPacket, meta: Metadata, replier: UdpReplier) {
      udp.push({ ...meta });
      const key = `${packet.src.ip}:${packet.src.port}`;
      let s = flows.get(key);
      if (!s) {
        s = dgram.createSocket('udp4');
        s.on('message', (m, r) => replier.send(m, { ip: r.address, port: r.port }));
        s.bind(0, '127.0.0.1');
        flows.set(key, s);
      }
      const host = packet.dst.ip || names[meta.host] || '';
      if (host) s.send(packet.data, packet.dst.port, host);
    },
    close() {
      for (const s of flows.values()) s.close();
      flows.clear();
      for (const s of open) s.destroy();
    },
  };
}
