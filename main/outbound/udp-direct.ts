// A direct UDP flow: one factory socket per address family, created on first
// use; host destinations resolved once per host and cached for the flow.
// Datagrams to a host that does not resolve are dropped (UDP is lossy anyway)
// and logged by the caller through onDrop.
import type dgram from 'node:dgram';
import type { Destination, UdpFlow } from '../core/outbound.js';
import type { Resolver } from '../core/rule.js';
import { ipFamily, normalizeIp } from '../core/address.js';
import { SyError } from '../core/errors.js';
import type { SocketFactory } from './socket-factory.js';
import { resolveIp } from './dial.js';
import { FlowEvents } from './udp-flow-events.js';

export interface DirectUdpOptions {
  name: string;
  sockets: SocketFactory;
  resolver: Resolver;
  signal?: AbortSignal | undefined;
  /** Closes the flow after this long without traffic either way (default 60 s; 0 = never). */
  udpIdleMs?: number;
}

export function createDirectUdpFlow(opts: DirectUdpOptions): UdpFlow {
  if (opts.signal?.aborted) throw new SyError('SY_ERR_NET_ABORTED', { where: `${opts.name} udp` });
  const ev = new FlowEvents(opts.udpIdleMs ?? 60_000);
  const socks = new Map<4 | 6, dgram.Socket>();
  const hosts = new Map<string, Promise<string>>();

  const socketFor = (fam: 4 | 6): dgram.Socket => {
    let s = socks.get(fam);
    if (s) return s;
    s = opts.sockets.udp(fam);
    s.on('message', (data, rinfo) => {
      ev.touch();
      ev.message(data, { ip: normalizeIp(rinfo.address), port: rinfo.port });
    });
    s.on('error', (err) => ev.end(err));
    socks.set(fam, s);
    return s;
  };

  const sendTo = (data: Buffer, ip: string, port: number) => {
    if (ev.closed) return;
    const fam = ipFamily(ip);
    if (fam === 0 || port <= 0 || port > 65535) return;
    ev.touch();
    let s: dgram.Socket;
    try {
      s = socketFor(fam);
    } catch (cause) {
      // cannot create a socket (EPERM for SO_MARK, EMFILE): the flow cannot work
      ev.end(new SyError('SY_ERR_NET_DIAL', { where: `${opts.name} udp`, detail: 'cannot create a UDP socket', cause }));
      return;
    }
    s.send(data, port, ip, () => {
      /* send errors (EHOSTUNREACH, ...) are per datagram, not fatal */
    });
  };

  ev.onEnd(() => {
    for (const s of socks.values()) {
      try {
        s.close();
      } catch {
        /* already closed */
      }
    }
    socks.clear();
  });
  opts.signal?.addEventListener('abort', () => ev.end(), { once: true });

  return {
    send(data: Buffer, dst: Destination) {
      const ip = normalizeIp(dst.ip) || normalizeIp(dst.host);
      if (ip) return sendTo(data, ip, dst.port);
      let p = hosts.get(dst.host);
      if (!p) {
        p = resolveIp(opts.resolver, dst.host, '', `${opts.name} udp ${dst.host}`);
        p.catch(() => hosts.delete(dst.host)); // retry the next time
        hosts.set(dst.host, p);
      }
      p.then((resolved) => sendTo(data, resolved, dst.port)).catch(() => {
        /* unresolvable: drop */
      });
    },
    onMessage: (cb) => ev.onMessage(cb),
    onClose: (cb) => ev.onEnd(cb),
    close: () => ev.end(),
  };
}
