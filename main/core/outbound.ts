// Outbound contracts: where a decided connection goes.
import type { Socket } from 'node:net';
import type { Metadata } from './metadata.js';

/** Where to connect. Proxies get `host` when known (remote resolution); DIRECT dials `ip`. */
export interface Destination {
  readonly host: string;
  readonly ip: string;
  readonly port: number;
}

/** mihomo's API type names. */
export type OutboundType =
  | 'Direct' | 'Reject' | 'RejectDrop' | 'Pass' | 'Compatible'
  | 'Socks5' | 'Http' | 'Selector' | 'URLTest' | 'Fallback' | 'LoadBalance'
  | 'Shadowsocks' | 'Vmess' | 'Vless' | 'Trojan' | 'Hysteria' | 'Hysteria2' | 'Tuic' | 'WireGuard' | 'Unknown';

export interface DelayRecord {
  readonly time: string; // RFC3339
  readonly delay: number; // ms, 0 = failed
}

/** A UDP association through an outbound: datagrams to any destination, replies from any source. */
export interface UdpFlow {
  send(data: Buffer, dst: Destination): void;
  /** Replies: `from` is the remote address the datagram came from. */
  onMessage(cb: (data: Buffer, from: { ip: string; port: number }) => void): void;
  onClose(cb: (err?: Error) => void): void;
  close(): void;
}

/** A plain TCP connect the native relay can do instead of dialTcp. */
export interface NativeTarget {
  readonly family: 4 | 6;
  readonly ip: string;
  readonly port: number;
  /** SO_MARK of the socket (routing-mark; 0 = none) */
  readonly mark: number;
  /** Bytes to send once connected, before the client's (a pipelined SOCKS5 opening). */
  readonly opening?: Buffer;
  /** The answer to `opening` the relay checks before relaying: 1 = SOCKS5 NO AUTH, 2 = SOCKS5 USERNAME/PASSWORD. */
  readonly socks?: 1 | 2;
  /** What Metadata.remoteDestination becomes (the IP, or the host sent to a proxy). */
  readonly remoteDestination: string;
  /** The outbound's wording of a native end reason ('error: connect …', 'error: socks5 …'), for logs and /connections. */
  readonly explain?: (why: string) => string;
}

export interface Outbound {
  readonly name: string;
  readonly type: OutboundType;
  readonly supportsUdp: boolean;
  /** False for upstream types switchyard does not relay, and for dead members. */
  alive(): boolean;
  /** Connects; the returned socket is connected and ready for payload (handshake done). */
  dialTcp(dst: Destination, meta: Metadata, signal?: AbortSignal): Promise<Socket>;
  dialUdp(meta: Metadata, signal?: AbortSignal): Promise<UdpFlow>;
  /**
   * Optional (DIRECT): the socket address `dst` is dialed at when it is known
   * without I/O and the dial needs nothing but a connect() with this SO_MARK,
   * so the native relay may connect it itself; null otherwise (dialTcp then).
   */
  nativeTarget?(dst: Destination): NativeTarget | null;
  /** Delay history for the API. */
  history(): readonly DelayRecord[];
}

/** A group of outbounds (select, url-test, fallback, load-balance). */
export interface OutboundGroup extends Outbound {
  readonly members: readonly string[];
  /** The member currently chosen ('' for load-balance or none usable). */
  now(): string;
  /** Resolves to the leaf outbound for this connection, with the chain (leaf first). */
  pick(meta: Metadata): { leaf: Outbound; chain: string[] } | null;
  /** select only: choose a member; throws SyError when not allowed. */
  select?(member: string): void;
  /**
   * url-test / fallback: pin a member by hand (mihomo's `fixed`, PUT
   * /proxies/:name); used while it is alive. Throws SyError for a non-member.
   */
  pin?(member: string): void;
  /** url-test / fallback: clear the pin (DELETE /proxies/:name). */
  unpin?(): void;
  /** url-test / fallback: the pinned member, '' when none. */
  fixed?(): string;
}

/** The registry of outbounds by name, as the tunnel and controller see it. */
export interface OutboundRegistry {
  get(name: string): Outbound | undefined;
  all(): readonly Outbound[];
}
