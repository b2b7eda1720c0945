// The slice of native/ the TPROXY inbounds use, as an injectable dependency
// (the engine passes the real module; tests may pass their own).
import type { Endpoint, TransparentTcpListenerOptions, TransparentUdpOptions, UdpMessageHandler } from '../../native/index.js';

export interface TransparentUdpSocket {
  sendFrom(data: Buffer, from: Endpoint, to: Endpoint): number;
  address(): Endpoint & { family: 4 | 6 };
  close(): void;
}

export interface NativeInbound {
  /** A listening fd whose accepted sockets have TCP_NODELAY (inherited from the listener). */
  createTransparentTcpListener(opts: TransparentTcpListenerOptions): number;
  closeFd(fd: number): void;
  TransparentUdp: new (opts: TransparentUdpOptions, onMessage: UdpMessageHandler) => TransparentUdpSocket;
}

export type { Endpoint };
