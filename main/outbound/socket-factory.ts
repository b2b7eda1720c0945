// Where outbound sockets come from. The engine injects a factory whose sockets
// carry SO_MARK = routing-mark (native/), so the core's own traffic is never
// captured again; tests and unprivileged runs use the plain one below.
import net from 'node:net';
import dgram from 'node:dgram';

export interface SocketFactory {
  /** An unconnected TCP socket of that family; the caller calls `connect()`. */
  tcp(family: 4 | 6): net.Socket;
  /**
   * A UDP socket of that family, already bound (or binding) to an ephemeral
   * port: the caller may `send()` at once (node queues sends while binding).
   */
  udp(family: 4 | 6): dgram.Socket;
  /**
   * Optional: connects in another thread (native/ NativeDialer), so the
   * kernel's connect work stays off the event loop. The socket comes
   * connected, with TCP_NODELAY and keepalive already set; a failure rejects
   * with an errno-coded Error. cancel() abandons the attempt.
   */
  dial?(family: 4 | 6, ip: string, port: number): { socket: Promise<net.Socket>; cancel(): void };
  /**
   * Set when outbound sockets are plain connects with this SO_MARK done by
   * native code (the dial thread): DIRECT may then let the native relay
   * connect by itself (Outbound.nativeTarget).
   */
  readonly nativeMark?: number;
}

/** Plain sockets without a mark (tests, and runs without capture). */
export const plainSocketFactory: SocketFactory = {
  tcp: () => new net.Socket(),
  udp: (family) => {
    const s = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    s.bind(0);
    return s;
  },
};

/** Builds a factory from fd-producing functions (the SO_MARK sockets of native/). */
export function fdSocketFactory(fns: {
  tcpFd(family: 4 | 6): number;
  udpFd(family: 4 | 6): number;
}): SocketFactory {
  return {
    tcp: (family) => new net.Socket({ fd: fns.tcpFd(family), readable: true, writable: true }),
    udp: (family) => {
      const s = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
      s.bind({ fd: fns.udpFd(family) });
      return s;
    },
  };
}
