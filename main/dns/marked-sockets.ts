// The socket factory the engine passes to the upstream resolver: every
// socket carries SO_MARK = routing-mark (through the native addon), which the
// capture rules skip, so the core's own DNS queries are never captured again
// (reference §5 #9). Mark 0 means plain sockets. Errors (no CAP_NET_ADMIN,
// addon not built) surface from udp()/tcp() and become a coded DNS error of
// that exchange, never a crash.
import dgram from 'node:dgram';
import net from 'node:net';
import { closeFd, createMarkedTcpSocket, createMarkedUdpSocket } from '../../native/index.js';
import { DEFAULT_SOCKET_FACTORY, type DnsSocketFactory } from './exchange.js';

export function markedSocketFactory(mark: number): DnsSocketFactory {
  if (mark === 0) return DEFAULT_SOCKET_FACTORY;
  return {
    udp(family) {
      const fd = createMarkedUdpSocket(family, mark);
      const sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
      try {
        // Sends issued before the adoption completes are queued by node.
        sock.bind({ fd } as unknown as dgram.BindOptions);
      } catch (e) {
        closeFd(fd);
        throw e;
      }
      return sock;
    },
    tcp(family) {
      const fd = createMarkedTcpSocket(family, mark);
      try {
        return new net.Socket({ fd, readable: true, writable: true });
      } catch (e) {
        closeFd(fd);
        throw e;
      }
    },
  };
}
