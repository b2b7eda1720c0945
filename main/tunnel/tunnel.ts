// The tunnel implements the Dispatcher: pre-process metadata (fake-ip → host),
// sniff the first bytes, decide by the rules, dial the outbound, relay and
// record. A failing connection is logged with its context and never takes
// the core down.
import type { Socket } from 'node:net';
import type { Dispatcher, UdpPacket, UdpReplier } from '../core/dispatcher.js';
import type { Metadata } from '../core/metadata.js';
import type { Logger } from '../core/logger.js';
import type { ByteCounters, ConnectionInfo, ConnectionTracker, TrackedConnection } from '../core/stats.js';
import type { Destination } from '../core/outbound.js';
import type { Decision } from '../core/rule.js';
import { formatHostPort } from '../core/address.js';
import { isSyError } from '../core/errors.js';
import { preprocess, type PreprocessDeps } from './preprocess.js';
import { peekHost, type SniffFn, type SniffVerdict } from './peek.js';
import { startNativeConnect, startRelay, type RelayEnd, type RelayHandle, type SpliceAdopter } from './relay.js';
import { decide, resolveRoute, type RouteDeps, type Route } from './route.js';
import { createUdpNat, type UdpNat } from './udp-nat.js';

export interface SniffOptions {
  enable: boolean;
  timeoutMs: number;
  /** Destination ports worth sniffing (others are passed through at once). */
  ports: (port: number) => boolean;
  tcp: SniffFn;
  /** UDP: every datagram of the flow so far (a QUIC ClientHello may span several). */
  udp: (datagrams: readonly Buffer[]) => SniffVerdict;
}

export interface TunnelDeps extends RouteDeps, PreprocessDeps {
  tracker: ConnectionTracker;
  logger: Logger;
  sniff: SniffOptions;
  /** ms */
  dialTimeoutMs?: number;
  /** ms */
  tcpIdleMs?: number;
  /** ms */
  udpIdleMs?: number;
  /** The native zero-copy relay; absent = Node stream pipes. */
  splice?: SpliceAdopter | null;
}

export interface Tunnel extends Dispatcher {
  /** Explains where `meta` would go, without dialing. */
  explain(meta: Metadata): Promise<Route>;
  /** Closes every UDP flow; TCP relays end with their sockets. */
  close(): void;
  /** Live UDP flows (for tests and the status page). */
  udpFlows(): number;
}

/** The connection's description for log lines. */
export function describe(meta: Metadata): string {
  const dst = meta.host ? `${meta.host}:${meta.dstPort}` : formatHostPort(meta.dstIP, meta.dstPort);
  return `${meta.network} ${formatHostPort(meta.srcIP, meta.srcPort)} -> ${dst}`;
}

/** What the outbound dials: proxies get the host (remote resolution), DIRECT resolves it. */
export function destinationOf(meta: Metadata): Destination {
  const host = meta.host || (!meta.dstIP ? meta.sniffHost : '');
  return { host, ip: meta.dstIP, port: meta.dstPort };
}

/**
 * Ties one relayed connection to its tracker entry for as long as it lives.
 * NOTE: a class and not closures in handleTcp on purpose: those would keep
 * handleTcp's whole scope alive (the destroyed client socket, the dial's
 * AbortController, the route), about 2 KiB per held connection.
 */
class RelayLink implements ByteCounters {
  private handle: RelayHandle | undefined;
  private tracked: TrackedConnection | undefined;
  /** an end reported before start() (never expected: relays end asynchronously) */
  private early: RelayEnd | undefined;
  /** the relay's end callback (bound once) */
  readonly onEnd: (why: RelayEnd) => void;

  constructor(
    private readonly tracker: ConnectionTracker,
    private readonly info: ConnectionInfo,
    private readonly log: Logger,
    /** the outbound's wording of a native dial failure (NativeTarget.explain) */
    private readonly explain?: (why: string) => string,
  ) {
    this.onEnd = this.end.bind(this);
  }

  /** The relay runs: the connection enters the table. */
  start(handle: RelayHandle): void {
    this.handle = handle;
    this.tracked = this.tracker.open(this.info, this, this.kill.bind(this));
    if (this.early) this.end(this.early);
  }

  upload(): number {
    return this.handle ? this.handle.counters.upload() : 0;
  }

  download(): number {
    return this.handle ? this.handle.counters.download() : 0;
  }

  private kill(): void {
    this.handle?.kill();
  }

  private end(why: RelayEnd): void {
    if (!this.tracked) {
      this.early = why;
      return;
    }
    // A native connect (startNativeConnect) reports its failure here, not as a rejected dial.
    if (why.startsWith('error: connect ') || why.startsWith('error: socks5 ')) {
      const msg = this.explain ? this.explain(why) : why.slice(7);
      this.log.warn('dial failed', { conn: describe(this.info.meta), chain: this.info.chains.join(' <- '), error: msg });
      this.tracked.closed(`error: ${msg}`);
      return;
    }
    this.tracked.closed(why);
  }
}

export function createTunnel(deps: TunnelDeps): Tunnel {
  const log = deps.logger;
  const dialTimeoutMs = deps.dialTimeoutMs ?? 10_000;
  const tcpIdleMs = deps.tcpIdleMs ?? 5 * 60_000;

  const route = async (meta: Metadata): Promise<Route> => {
    const decision: Decision = await decide(meta, deps);
    return resolveRoute(decision, meta, deps.outbounds());
  };

  const rejectTcp = (socket: Socket, drop: boolean) => {
    if (drop) {
      // REJECT-DROP: never answer; release the socket after a while.
      socket.setTimeout(30_000, () => socket.destroy());
      socket.on('error', () => {});
      socket.resume();
    } else {
      socket.resetAndDestroy();
    }
  };

  const handleTcp = async (socket: Socket, meta: Metadata, head?: Buffer): Promise<void> => {
    socket.on('error', () => {}); // reported through relay/close paths
    try {
      preprocess(meta, deps);
    } catch (e) {
      log.warn('connection refused', { conn: describe(meta), error: e });
      socket.resetAndDestroy();
      return;
    }
    let firstBytes = head ?? Buffer.alloc(0);
    if (deps.sniff.enable && deps.sniff.ports(meta.dstPort)) {
      const peeked = await peekHost(socket, deps.sniff.tcp, deps.sniff.timeoutMs, head);
      firstBytes = peeked.head;
      if (peeked.ended) {
        socket.destroy();
        return;
      }
      if (peeked.host && peeked.host !== meta.host) meta.sniffHost = peeked.host;
    }

    let r: Route;
    try {
      r = await route(meta);
    } catch (e) {
      log.warn('rule evaluation failed', { conn: describe(meta), error: e });
      socket.resetAndDestroy();
      return;
    }
    const rule = r.decision.rule;
    const info = { meta, chains: [...r.chain], rule: rule?.apiType ?? '', rulePayload: rule?.payload ?? '' };
    if (!r.leaf || r.leaf.type === 'Reject' || r.leaf.type === 'RejectDrop') {
      const tracked = deps.tracker.open(info, { upload: () => 0, download: () => 0 }, () => socket.destroy());
      if (r.why) log.warn('connection rejected', { conn: describe(meta), why: r.why });
      else if (log.debugEnabled) log.debug('connection rejected by rule', { conn: describe(meta), rule: rule?.type, payload: rule?.payload });
      rejectTcp(socket, r.leaf?.type === 'RejectDrop');
      socket.once('close', () => tracked.closed(r.why ? `rejected: ${r.why}` : 'rejected'));
      return;
    }

    // DIRECT to a known IP, or a SOCKS5 upstream given by IP, with the native
    // relay: it connects (and does the SOCKS5 handshake) and relays by
    // itself, and the connection never passes through Node again.
    const target = deps.splice?.connect && r.leaf.nativeTarget ? r.leaf.nativeTarget(destinationOf(meta)) : null;
    if (target && deps.splice) {
      meta.remoteDestination = target.remoteDestination;
      const link = new RelayLink(deps.tracker, info, log, target.explain);
      const h = startNativeConnect(socket, target, { idleMs: tcpIdleMs, head: firstBytes, connectTimeoutMs: dialTimeoutMs }, deps.splice, link.onEnd);
      if (h) return link.start(h);
      // not handed over (the client already half-closed, ...): the usual dial follows
      meta.remoteDestination = undefined;
    }

    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), dialTimeoutMs);
    const onClientGone = () => ac.abort();
    socket.once('close', onClientGone);
    let remote: Socket;
    try {
      remote = await r.leaf.dialTcp(destinationOf(meta), meta, ac.signal);
    } catch (e) {
      clearTimeout(timer);
      socket.off('close', onClientGone);
      const msg = isSyError(e) ? e.message : e instanceof Error ? e.message : String(e);
      log.warn('dial failed', { conn: describe(meta), chain: r.chain.join(' <- '), error: msg });
      const tracked = deps.tracker.open(info, { upload: () => 0, download: () => 0 }, () => socket.destroy());
      tracked.closed(`error: ${msg}`);
      socket.resetAndDestroy();
      return;
    } finally {
      clearTimeout(timer);
    }
    socket.off('close', onClientGone);
    if (socket.destroyed) {
      remote.destroy();
      return;
    }
    if (!meta.remoteDestination && remote.remoteAddress) meta.remoteDestination = remote.remoteAddress;
    const link = new RelayLink(deps.tracker, info, log);
    link.start(startRelay(socket, remote, { idleMs: tcpIdleMs, head: firstBytes }, deps.splice, link.onEnd));
  };

  const nat: UdpNat = createUdpNat({
    logger: log,
    tracker: deps.tracker,
    idleMs: deps.udpIdleMs ?? 60_000,
    prepare: (_pkt, meta) => preprocess(meta, deps),
    sniffer: {
      applies: (meta) => deps.sniff.enable && deps.sniff.ports(meta.dstPort),
      sniff: (datagrams) => deps.sniff.udp(datagrams),
      get timeoutMs() {
        return deps.sniff.timeoutMs;
      },
    },
    route,
  });

  return {
    handleTcp(socket, meta, head) {
      handleTcp(socket, meta, head).catch((e) => {
        log.error('connection handling failed', { conn: describe(meta), error: e });
        socket.destroy();
      });
    },
    handleUdp(packet: UdpPacket, meta: Metadata, replier: UdpReplier) {
      nat.handle(packet, meta, replier);
    },
    async explain(meta) {
      preprocess(meta, deps);
      return route(meta);
    },
    close() {
      nat.close();
    },
    udpFlows: () => nat.size(),
  };
}
