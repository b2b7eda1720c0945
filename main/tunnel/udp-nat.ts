// UDP NAT table: one flow per (inbound, client ip:port, original destination).
// The first datagram decides the route; later ones reuse it. Replies are sent
// back to the client *from the original destination* (which for fake-ip is
// the fake address the client used). Idle flows are swept periodically.
import type { UdpPacket, UdpReplier } from '../core/dispatcher.js';
import type { Metadata } from '../core/metadata.js';
import type { Logger } from '../core/logger.js';
import type { ConnectionTracker, TrackedConnection } from '../core/stats.js';
import type { Destination, UdpFlow } from '../core/outbound.js';
import { formatHostPort } from '../core/address.js';
import type { Route } from './route.js';
import type { SniffVerdict } from './peek.js';

/** At most this many datagrams are looked at for one sniff. */
const SNIFF_DATAGRAMS = 4;

const MAX_QUEUED = 64;

export interface UdpNatDeps {
  logger: Logger;
  tracker: ConnectionTracker;
  idleMs: number;
  /** Pre-processes metadata (fake-ip mapping); may throw to drop the flow. */
  prepare(pkt: UdpPacket, meta: Metadata): void;
  /**
   * Sniffing of the flow's first datagrams (QUIC Initial SNI). A ClientHello
   * may span several Initial packets: while the sniffer says 'need-more', the
   * flow waits (queued, bounded) for the next datagrams until `timeoutMs`.
   */
  sniffer?: { applies(meta: Metadata): boolean; sniff(datagrams: readonly Buffer[]): SniffVerdict; timeoutMs: number };
  route(meta: Metadata): Promise<Route>;
  now?: () => number;
}

export interface UdpNat {
  handle(pkt: UdpPacket, meta: Metadata, replier: UdpReplier): void;
  size(): number;
  close(): void;
}

interface Session {
  state: 'pending' | 'open' | 'dropped';
  queue: Buffer[];
  flow: UdpFlow | null;
  lastActive: number;
  up: number;
  down: number;
  tracked: TrackedConnection | null;
  replier: UdpReplier;
  dst: { ip: string; port: number };
  /** what the outbound is asked to reach (host for proxies) */
  dest: Destination;
  /** Wakes a sniff that waits for the next datagram. */
  wake: (() => void) | null;
  close(reason: string): void;
}

export function createUdpNat(deps: UdpNatDeps): UdpNat {
  const now = deps.now ?? Date.now;
  const sessions = new Map<string, Session>();
  const log = deps.logger;

  const sweep = setInterval(() => {
    const limit = now() - deps.idleMs;
    for (const s of sessions.values()) if (s.lastActive < limit) s.close('timeout');
  }, Math.max(250, Math.floor(deps.idleMs / 4)));
  sweep.unref();

  const open = async (key: string, s: Session, pkt: UdpPacket, meta: Metadata) => {
    let r: Route;
    try {
      deps.prepare(pkt, meta);
      const sn = deps.sniffer;
      if (sn && !meta.host && sn.applies(meta)) {
        const deadline = now() + sn.timeoutMs;
        let v = sn.sniff(s.queue);
        while (v === 'need-more' && s.queue.length < SNIFF_DATAGRAMS && now() < deadline && sessions.get(key) === s) {
          await new Promise<void>((wake) => {
            const t = setTimeout(wake, Math.max(1, deadline - now()));
            s.wake = () => {
              clearTimeout(t);
              wake();
            };
          });
          s.wake = null;
          v = sn.sniff(s.queue);
        }
        if (typeof v === 'object' && v.host) meta.sniffHost = v.host;
      }
      r = await deps.route(meta);
    } catch (e) {
      log.warn('udp flow refused', { flow: key, error: e });
      s.state = 'dropped';
      s.queue = [];
      return;
    }
    const rule = r.decision.rule;
    const info = { meta, chains: [...r.chain], rule: rule?.apiType ?? '', rulePayload: rule?.payload ?? '' };
    s.tracked = deps.tracker.open(info, { upload: () => s.up, download: () => s.down }, () => s.close('killed'));
    if (!r.leaf || r.leaf.type === 'Reject' || r.leaf.type === 'RejectDrop') {
      if (r.why) log.warn('udp flow rejected', { flow: key, why: r.why });
      s.state = 'dropped';
      s.queue = [];
      return;
    }
    let flow: UdpFlow;
    try {
      flow = await r.leaf.dialUdp(meta);
    } catch (e) {
      log.warn('udp dial failed', { flow: key, chain: r.chain.join(' <- '), error: e });
      s.state = 'dropped';
      s.queue = [];
      s.tracked.closed(`error: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (!sessions.has(key) || sessions.get(key) !== s) {
      flow.close();
      return;
    }
    s.flow = flow;
    s.state = 'open';
    flow.onMessage((data) => {
      s.lastActive = now();
      s.down += data.length;
      s.replier.send(data, s.dst);
    });
    flow.onClose((err) => s.close(err ? `error: ${err.message}` : 'closed'));
    s.dest = { host: meta.host || (!meta.dstIP ? meta.sniffHost : ''), ip: meta.dstIP, port: meta.dstPort };
    for (const d of s.queue) {
      s.up += d.length;
      flow.send(d, s.dest);
    }
    s.queue = [];
  };

  return {
    handle(pkt, meta, replier) {
      const key = `${meta.inboundName}|${formatHostPort(pkt.src.ip, pkt.src.port)}|${formatHostPort(pkt.dst.ip, pkt.dst.port)}`;
      let s = sessions.get(key);
      if (!s) {
        const session: Session = {
          state: 'pending',
          queue: [],
          flow: null,
          lastActive: now(),
          up: 0,
          down: 0,
          tracked: null,
          replier,
          dst: { ip: pkt.dst.ip, port: pkt.dst.port },
          dest: { host: '', ip: pkt.dst.ip, port: pkt.dst.port },
          wake: null,
          close(reason) {
            if (sessions.get(key) !== session) return;
            sessions.delete(key);
            session.flow?.close();
            session.tracked?.closed(reason);
            try {
              session.replier.close();
            } catch {
              /* replier already gone */
            }
          },
        };
        s = session;
        sessions.set(key, s);
        s.queue.push(pkt.data);
        void open(key, s, pkt, meta);
        return;
      }
      s.lastActive = now();
      if (s.state === 'pending') {
        if (s.queue.length < MAX_QUEUED) s.queue.push(pkt.data);
        s.wake?.();
      } else if (s.state === 'open' && s.flow) {
        s.up += pkt.data.length;
        s.flow.send(pkt.data, s.dest);
      }
    },
    size: () => sessions.size,
    close() {
      clearInterval(sweep);
      for (const s of [...sessions.values()]) s.close('closed');
    },
  };
}
