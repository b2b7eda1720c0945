// Connection tracking contract: the tunnel registers each relayed connection;
// stats/ keeps the table, totals and history that the controller serves.
// Bytes are counted by *sampling* counters (socket.bytesRead/bytesWritten or
// native relay counts), never by listening to every chunk.
import type { Metadata } from './metadata.js';

export interface ByteCounters {
  /** bytes client -> remote so far */
  upload(): number;
  /** bytes remote -> client so far */
  download(): number;
}

export interface ConnectionInfo {
  readonly meta: Metadata;
  /** leaf first, the group named by the rule last (mihomo's order) */
  readonly chains: readonly string[];
  /** CamelCase rule type, '' when nothing matched */
  readonly rule: string;
  readonly rulePayload: string;
}

export interface TrackedConnection {
  readonly id: string;
  /** Update what is known (e.g. sniffed host, chains after the dial). */
  update(patch: Partial<ConnectionInfo>): void;
  /** Mark closed; `reason` is kept in the closed-connection history. Idempotent. */
  closed(reason: string): void;
}

export interface ConnectionTracker {
  /** Registers a connection; `kill` is called by DELETE /connections[/id]. */
  open(info: ConnectionInfo, counters: ByteCounters, kill: () => void): TrackedConnection;
}
