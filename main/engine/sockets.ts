// Socket factories for the core's own outbound traffic. With a routing mark
// and the native addon, every socket carries SO_MARK = routing-mark so capture
// never takes the core's traffic again (reference §6.4: exact, disjoint marks),
// and outbound TCP connects run in the native dial thread (the kernel's
// connect work off the event loop; SWITCHYARD_NATIVE_DIAL=0 turns that off,
// for comparison), and DIRECT connections to a known IP are connected by the
// splice thread itself (SWITCHYARD_NATIVE_CONNECT=0 turns that off). TCP sockets allow half-open connections so the relay can
// carry a half-close.
import net from 'node:net';
import dgram from 'node:dgram';
import type { SocketFactory } from '../outbound/socket-factory.js';
import type { DnsSocketFactory } from '../dns/exchange.js';

/** The native dialer as used here (structurally native/index.ts NativeDialer). */
export interface NativeDial {
  dial(family: 4 | 6, mark: number, ip: string, port: number): { socket: Promise<net.Socket>; cancel(): void };
}

export interface NativeSockets {
  createMarkedTcpSocket(family: 4 | 6, mark: number): number;
  createMarkedUdpSocket(family: 4 | 6, mark: number): number;
  /** The process's native dialer (native/index.ts); absent in fakes and older builds. */
  sharedDialer?(): NativeDial | null;
}

export interface CoreSockets {
  outbound: SocketFactory;
  dns: DnsSocketFactory;
  marked: boolean;
}

export function coreSockets(mark: number, native: NativeSockets | null, env: NodeJS.ProcessEnv = process.env): CoreSockets {
  const marked = Boolean(native && mark > 0);
  const tcp = (family: 4 | 6): net.Socket =>
    native && mark > 0
      ? new net.Socket({ fd: native.createMarkedTcpSocket(family, mark), readable: true, writable: true, allowHalfOpen: true })
      : new net.Socket({ allowHalfOpen: true });
  const udp = (family: 4 | 6): dgram.Socket => {
    const s = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    if (native && mark > 0) s.bind({ fd: native.createMarkedUdpSocket(family, mark) });
    else s.bind(0);
    return s;
  };
  const dialer = marked && env.SWITCHYARD_NATIVE_DIAL !== '0' ? (native?.sharedDialer?.() ?? null) : null;
  const dial = dialer ? { dial: (family: 4 | 6, ip: string, port: number) => dialer.dial(family, mark, ip, port) } : {};
  // DIRECT to a known IP may be connected by the splice thread itself (SWITCHYARD_NATIVE_CONNECT=0: no).
  const native2 = dialer && env.SWITCHYARD_NATIVE_CONNECT !== '0' ? { nativeMark: mark } : {};
  const outbound: SocketFactory = { tcp, udp, ...dial, ...native2 };
  return { outbound, dns: { tcp, udp }, marked };
}
