// What the SOCKS5 and HTTP halves of the mixed port share: credentials, the
// dispatcher hand-over, source metadata, and debug logging of refused input.
import type net from 'node:net';
import type { Dispatcher } from '../core/dispatcher.js';
import type { Logger } from '../core/logger.js';
import type { Metadata } from '../core/metadata.js';
import { normalizeIp, formatHostPort } from '../core/address.js';

export interface Credentials {
  check(user: string, pass: string): boolean;
}

export interface MixedContext {
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  /** null = no authentication */
  readonly auth: Credentials | null;
  readonly name: string;
  /** src/inbound fields for metadata */
  source(sock: net.Socket): Pick<Metadata, 'srcIP' | 'srcPort' | 'inboundName' | 'inboundIP' | 'inboundPort'>;
  /** Ends the handshake phase and gives the (paused) socket to the dispatcher. */
  handOver(sock: net.Socket, meta: Metadata, head: Buffer): void;
  /** The handshake is over but the socket stays ours (UDP ASSOCIATE control): stop its deadline. */
  endHandshake(sock: net.Socket): void;
  /** Registers a per-connection resource closed with the inbound (UDP relays). */
  track(close: () => void): () => void;
  debug(msg: string, sock: net.Socket, why: string): void;
}

/** Credentials from Clash's `authentication: ["user:pass", ...]`. */
export function credentials(list: readonly string[] | undefined): Credentials | null {
  if (!list || list.length === 0) return null;
  const pairs = new Map<string, string>();
  for (const e of list) {
    const i = e.indexOf(':');
    if (i > 0) pairs.set(e.slice(0, i), e.slice(i + 1));
  }
  return { check: (u, p) => pairs.has(u) && pairs.get(u) === p };
}

export function describeClient(sock: net.Socket): string {
  return formatHostPort(normalizeIp(sock.remoteAddress ?? '') || '?', sock.remotePort ?? 0);
}
