// One SOCKS5 UDP association = a TCP control connection + one UDP socket.
// - The request carries 0.0.0.0:0 (dante enforces the field; reference §6.2).
// - A BND.ADDR of 0.0.0.0/:: (or a name) is replaced by the server's own IP
//   with BND.PORT (ipt2socks#28).
// - Replies are accepted only from the relay address; fragments (FRAG != 0)
//   and malformed datagrams are dropped and counted, never thrown.
// - Closing the control connection ends the flow and vice versa; the flow
//   also ends after `idleMs` without traffic.
import type net from 'node:net';
import type dgram from 'node:dgram';
import type { Destination, UdpFlow } from '../core/outbound.js';
import type { Metadata } from '../core/metadata.js';
import type { Logger } from '../core/logger.js';
import { ipFamily, normalizeIp } from '../core/address.js';
import { SyError } from '../core/errors.js';
import type { SocketFactory } from './socket-factory.js';
import { isUnspecified, type Socks5Reply } from './socks5-client.js';
import { encodeSocksUdp, decodeSocksUdp } from '../core/socks-address.js';
import { FlowEvents } from './udp-flow-events.js';

export interface Socks5UdpOptions {
  name: string;
  where: string;
  sockets: SocketFactory;
  logger: Logger;
  idleMs: number;
  associate(signal?: AbortSignal): Promise<{ sock: net.Socket; reply: Socks5Reply; serverIp: string }>;
  signal?: AbortSignal | undefined;
  meta: Metadata;
}

/** A UdpFlow with counters of dropped datagrams (for logs and tests). */
export interface Socks5UdpFlow extends UdpFlow {
  readonly relay: { ip: string; port: number };
  dropped(): { malformed: number; fragments: number; foreign: number };
}

export { encodeSocksUdp, decodeSocksUdp } from '../core/socks-address.js';

export async function createSocks5UdpFlow(o: Socks5UdpOptions): Promise<Socks5UdpFlow> {
  const { sock: control, reply, serverIp } = await o.associate(o.signal);
  const relayIp = isUnspecified(reply.bndAddr) ? serverIp : normalizeIp(reply.bndAddr);
  const relay = { ip: relayIp, port: reply.bndPort };
  const fam = ipFamily(relayIp);
  if (fam === 0 || relay.port === 0) {
    control.destroy();
    throw new SyError('SY_ERR_NET_SOCKS_HANDSHAKE', { where: o.where, detail: `unusable UDP relay address ${reply.bndAddr}:${reply.bndPort}` });
  }
  let udp: dgram.Socket;
  try {
    udp = o.sockets.udp(fam);
  } catch (cause) {
    control.destroy();
    throw new SyError('SY_ERR_NET_DIAL', { where: o.where, detail: 'cannot create a UDP socket', cause });
  }
  const ev = new FlowEvents(o.idleMs);
  const counts = { malformed: 0, fragments: 0, foreign: 0 };
  const log = o.logger.child({ outbound: o.name, relay: `${relay.ip}:${relay.port}` });

  udp.on('message', (msg, rinfo) => {
    if (normalizeIp(rinfo.address) !== relay.ip || rinfo.port !== relay.port) {
      counts.foreign++;
      return;
    }
    const d = decodeSocksUdp(msg);
    if (d === 'bad' || d === 'fragment') {
      if (d === 'bad') counts.malformed++;
      else counts.fragments++;
      if (log.debugEnabled) log.debug('dropped a SOCKS5 UDP datagram', { reason: d, bytes: msg.length });
      return;
    }
    ev.touch();
    ev.message(d.data, { ip: normalizeIp(d.host) || d.host, port: d.port });
  });
  udp.on('error', (err) => ev.end(err));
  // The control connection carries nothing after the reply; its end is the association's end.
  control.on('data', () => {});
  control.on('error', () => {});
  control.once('close', () => ev.end());
  control.resume();
  ev.onEnd(() => {
    control.destroy();
    try {
      udp.close();
    } catch {
      /* already closed */
    }
  });
  o.signal?.addEventListener('abort', () => ev.end(), { once: true });

  return {
    relay,
    dropped: () => ({ ...counts }),
    send(data: Buffer, dst: Destination) {
      if (ev.closed) return;
      const pkt = encodeSocksUdp(data, { host: dst.host || dst.ip, port: dst.port });
      if (!pkt) return;
      ev.touch();
      udp.send(pkt, relay.port, relay.ip, () => {
        /* per-datagram errors are not fatal */
      });
    },
    onMessage: (cb) => ev.onMessage(cb),
    onClose: (cb) => ev.onEnd(cb),
    close: () => ev.end(),
  };
}
