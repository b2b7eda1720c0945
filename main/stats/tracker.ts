// The connection table: open connections, their byte counters (sampled, never
// per-chunk), totals that include closed connections, and a bounded history
// of closed connections for GET /connections/closed.
//
// Lifecycle of an entry: open() -> update()* -> closed(reason) (idempotent).
// kill(id) calls the tunnel's kill callback; the tunnel then reports closed().
import { randomUUID } from 'node:crypto';
import type { ByteCounters, ConnectionInfo, ConnectionTracker, TrackedConnection } from '../core/stats.js';
import type { Logger } from '../core/logger.js';
import type { ApiClosedConnection, ApiConnection, ApiConnections } from '../controller/api-types.js';
import { toApiMetadata } from './api-metadata.js';

export interface ConnectionTrackerOptions {
  /** Closed connections kept for the history (newest first). Default 1000. */
  historySize?: number;
  /** Clock in ms since epoch (tests inject one). Default Date.now. */
  now?: () => number;
  logger: Logger;
}

export interface ByteTotals {
  upload: number;
  download: number;
}

/** What the controller and the samplers need beyond the tunnel-facing contract. */
export interface ConnectionTable extends ConnectionTracker {
  /** mihomo's `/connections` shape (`memory` is the process RSS). */
  snapshot(): ApiConnections;
  /** Closed connections, newest first, at most `historySize`. */
  closedHistory(): ApiClosedConnection[];
  /** Kills one connection; false when the id is unknown or already closed. */
  kill(id: string): boolean;
  /** Kills every open connection; returns how many were asked to close. */
  killAll(): number;
  /** Bytes moved since start, closed connections included. */
  totals(): ByteTotals;
  /** Number of open connections. */
  size(): number;
}

/**
 * One open connection; it is also the TrackedConnection handed to the tunnel.
 * A class rather than closures: thousands may be held open, and each closure
 * would carry a context (RSS per held connection, docs/benchmarks.md).
 */
class Entry implements TrackedConnection {
  /** Chains are converted at every snapshot instead of stored twice. */
  constructor(
    readonly id: string,
    private readonly owner: { finish(e: Entry, reason: string): void; isOpen(e: Entry): boolean },
    public info: ConnectionInfo,
    readonly counters: ByteCounters,
    readonly kill: () => void,
    /** ms since epoch; formatted only when the API asks */
    readonly startMs: number,
  ) {}

  update(patch: Partial<ConnectionInfo>): void {
    if (!this.owner.isOpen(this)) return;
    this.info = { ...this.info, ...patch };
  }

  closed(reason: string): void {
    this.owner.finish(this, reason);
  }
}

const DEFAULT_HISTORY = 1000;

/**
 * Connection ids in UUID v4 form, as mihomo's: 122 random bits per tracker,
 * of which the last 48 are replaced by a counter, so every id is unique for
 * 2^48 connections. NOTE: not randomUUID() per connection: V8 builds that
 * string as a tree of 14 concatenations, which it keeps (~450 B of heap per
 * held connection); toString('latin1') of a buffer gives one flat string.
 */
class ConnectionIds {
  private readonly buf = Buffer.from(randomUUID(), 'latin1');
  private readonly base = parseInt(this.buf.toString('latin1', 24), 16);
  private n = 0;

  next(): string {
    const v = (this.base + this.n++) % 2 ** 48;
    this.buf.write(v.toString(16).padStart(12, '0'), 24, 'latin1');
    return this.buf.toString('latin1');
  }
}

export function createConnectionTracker(opts: ConnectionTrackerOptions): ConnectionTable {
  const now = opts.now ?? Date.now;
  const historySize = Math.max(0, Math.floor(opts.historySize ?? DEFAULT_HISTORY));
  const log = opts.logger;
  const open = new Map<string, Entry>();
  // Ring of closed connections; `history[0]` is the newest.
  const history: ApiClosedConnection[] = [];
  const closedTotals: ByteTotals = { upload: 0, download: 0 };

  const sample = (e: Entry): ByteTotals => ({
    upload: readCounter(() => e.counters.upload(), log, e.id),
    download: readCounter(() => e.counters.download(), log, e.id),
  });

  const toApi = (e: Entry, bytes: ByteTotals): ApiConnection => ({
    id: e.id,
    metadata: toApiMetadata(e.info.meta),
    upload: bytes.upload,
    download: bytes.download,
    start: new Date(e.startMs).toISOString(),
    chains: [...e.info.chains],
    providerChains: e.info.chains.map(() => ''),
    rule: e.info.rule,
    rulePayload: e.info.rulePayload,
  });

  const finish = (e: Entry, reason: string): void => {
    if (!open.delete(e.id)) return; // idempotent
    const bytes = sample(e);
    closedTotals.upload += bytes.upload;
    closedTotals.download += bytes.download;
    if (historySize === 0) return;
    history.unshift({ ...toApi(e, bytes), end: new Date(now()).toISOString(), reason: String(reason || 'closed') });
    if (history.length > historySize) history.length = historySize;
  };

  const owner = { finish, isOpen: (e: Entry) => open.has(e.id) };
  const ids = new ConnectionIds();

  const table: ConnectionTable = {
    open(info, counters, kill): TrackedConnection {
      // `info` is kept as given: the tunnel builds a fresh one per connection.
      const e = new Entry(ids.next(), owner, info, counters, kill, now());
      open.set(e.id, e);
      return e;
    },
    snapshot() {
      let up = closedTotals.upload;
      let down = closedTotals.download;
      const connections: ApiConnection[] = [];
      for (const e of open.values()) {
        const b = sample(e);
        up += b.upload;
        down += b.download;
        connections.push(toApi(e, b));
      }
      return { downloadTotal: down, uploadTotal: up, connections, memory: process.memoryUsage().rss };
    },
    closedHistory: () => history.slice(),
    kill(id) {
      const e = open.get(id);
      if (!e) return false;
      callKill(e, log);
      return true;
    },
    killAll() {
      // Copy first: kill callbacks may synchronously report closed().
      const all = [...open.values()];
      for (const e of all) callKill(e, log);
      return all.length;
    },
    totals() {
      let upload = closedTotals.upload;
      let download = closedTotals.download;
      for (const e of open.values()) {
        const b = sample(e);
        upload += b.upload;
        download += b.download;
      }
      return { upload, download };
    },
    size: () => open.size,
  };
  return table;
}

/** A counter that throws or returns garbage counts as 0 rather than breaking the table. */
function readCounter(read: () => number, log: Logger, id: string): number {
  try {
    const v = read();
    return Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
  } catch (err) {
    log.debug('byte counter failed', { id, err });
    return 0;
  }
}

function callKill(e: Entry, log: Logger): void {
  try {
    e.kill();
  } catch (err) {
    log.warn('kill callback failed', { id: e.id, err });
  }
}
