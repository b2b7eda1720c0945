// The contract between inbounds and the tunnel: an inbound builds metadata and
// hands the connection over; the tunnel decides, dials, relays and records it.
import type { Socket } from 'node:net';
import type { Metadata } from './metadata.js';

/** Sends a UDP reply to the client that made the flow, appearing to come from `from`. */
export interface UdpReplier {
  send(data: Buffer, from: { ip: string; port: number }): void;
  /** Called by the tunnel when the flow is torn down. */
  close(): void;
}

export interface UdpPacket {
  readonly data: Buffer;
  readonly src: { readonly ip: string; readonly port: number };
  readonly dst: { readonly ip: string; readonly port: number };
}

export interface Dispatcher {
  /** Takes ownership of `socket` (paused, not yet read). `head` is data the inbound already read. */
  handleTcp(socket: Socket, meta: Metadata, head?: Buffer): void;
  /** One datagram from a client; the tunnel keeps the NAT entry keyed by meta src and inbound. */
  handleUdp(packet: UdpPacket, meta: Metadata, replier: UdpReplier): void;
}
