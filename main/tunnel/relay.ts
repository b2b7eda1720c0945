// TCP relay between the client and the outbound, started once the outbound is
// dialed and the sniffed head is known. Two implementations behind one call:
//
// - the native splice relay (native/src/splice_relay.cc), handed in as a
//   SpliceAdopter: both sockets go to a native epoll thread and the bytes never
//   enter JavaScript (reference.md §7.1); counts come from the native side;
// - Node stream pipes both ways (no per-chunk JavaScript) when the addon is
//   missing or the sockets cannot be handed over (not plain TCP, writes
//   queued, FIN already read); counts are sampled from the sockets.
//
// Both carry half-close across, end idle connections after `idleMs`, reset
// the other side on an error, and call `onEnd` exactly once with the reason.
import type { Socket } from 'node:net';
import type { ByteCounters } from '../core/stats.js';
import type { NativeTarget } from '../core/outbound.js';
import { hasNoDelay } from '../core/socket-flags.js';

export interface RelayOptions {
  /** Destroy both sides after this long with no traffic either way (ms). */
  idleMs: number;
  /** Bytes already read from the client (sniffing) to send first. */
  head?: Buffer;
}

export type RelayEnd = 'closed' | 'timeout' | `error: ${string}`;

/** The native relay as the tunnel sees it (structurally native/index.ts SpliceRelay; tunnel/ does not import native/). */
export interface SpliceAdopter {
  /** Takes both sockets over, or returns null and leaves them untouched. */
  adopt(
    client: Socket,
    remote: Socket,
    opts: { idleMs: number; head?: Buffer },
    onEnd: (why: RelayEnd, up: number, down: number) => void,
  ): { upload(): number; download(): number; kill(): void } | null;
  /**
   * Optional: takes the client over and connects the remote natively
   * (NativeTarget of a DIRECT outbound); a failed connect ends with
   * `error: connect <ERRNO>`. Null leaves the socket untouched.
   */
  connect?(
    client: Socket,
    target: Pick<NativeTarget, 'family' | 'ip' | 'port' | 'mark' | 'opening' | 'socks'> & { connectTimeoutMs: number },
    opts: { idleMs: number; head?: Buffer },
    onEnd: (why: RelayEnd, up: number, down: number) => void,
  ): { upload(): number; download(): number; kill(): void } | null;
}

/** A running relay: its live byte counts (ByteCounters semantics) and kill (DELETE /connections/:id). */
export interface RelayHandle {
  readonly counters: ByteCounters;
  kill(): void;
  /** 'splice' or 'pipe': which implementation carries the bytes. */
  readonly kind: 'splice' | 'pipe';
}

/**
 * Relays `client` <-> `remote` until both directions are done; `onEnd` fires
 * exactly once. Uses `splice` when given and the sockets can be handed over.
 */
export function startRelay(
  client: Socket,
  remote: Socket,
  opts: RelayOptions,
  splice: SpliceAdopter | null | undefined,
  onEnd: (why: RelayEnd) => void,
): RelayHandle {
  // NOTE: Nagle would hold back a small request behind an unacked one; the
  // option lives on the socket, so it survives the hand-over. The native
  // dialer's sockets and the TPROXY listener's accepted ones have it already.
  if (!hasNoDelay(client)) client.setNoDelay(true);
  if (!hasNoDelay(remote)) remote.setNoDelay(true);
  const spliced = splice ? adopt(splice, client, remote, opts, onEnd) : null;
  return spliced ?? pipeHandle(client, remote, opts, onEnd);
}

// NOTE: the two helpers below are separate functions on purpose: a closure
// keeps its whole scope alive, and the handle lives as long as the
// connection. Created in startRelay, the handle's closures would retain both
// (destroyed) Node sockets of every spliced connection, about 2 KiB each.

function adopt(splice: SpliceAdopter, client: Socket, remote: Socket, opts: RelayOptions, onEnd: (why: RelayEnd) => void): RelayHandle | null {
  const s = splice.adopt(client, remote, opts.head ? { idleMs: opts.idleMs, head: opts.head } : { idleMs: opts.idleMs }, onEnd);
  return s ? { kind: 'splice', counters: s, kill: () => s.kill() } : null;
}

/** The client handed to the native relay, which connects `target` itself; null when it cannot take it. */
export function startNativeConnect(
  client: Socket,
  target: NativeTarget,
  opts: RelayOptions & { connectTimeoutMs: number },
  splice: SpliceAdopter,
  onEnd: (why: RelayEnd) => void,
): RelayHandle | null {
  if (!splice.connect) return null;
  if (!hasNoDelay(client)) client.setNoDelay(true);
  const s = splice.connect(
    client,
    { family: target.family, ip: target.ip, port: target.port, mark: target.mark, opening: target.opening, socks: target.socks, connectTimeoutMs: opts.connectTimeoutMs },
    opts.head && opts.head.length ? { idleMs: opts.idleMs, head: opts.head } : { idleMs: opts.idleMs },
    onEnd,
  );
  return s ? { kind: 'splice', counters: s, kill: () => s.kill() } : null;
}

function pipeHandle(client: Socket, remote: Socket, opts: RelayOptions, onEnd: (why: RelayEnd) => void): RelayHandle {
  const upBase = remote.bytesWritten;
  const downBase = client.bytesWritten;
  const kill = relay(client, remote, opts, onEnd);
  return {
    kind: 'pipe',
    counters: { upload: () => remote.bytesWritten - upBase, download: () => client.bytesWritten - downBase },
    kill,
  };
}

/** The Node stream relay; returns kill. Relays until both directions are done; `onEnd` fires exactly once. */
export function relay(client: Socket, remote: Socket, opts: RelayOptions, onEnd: (why: RelayEnd) => void): () => void {
  let ended = false;
  let reason: RelayEnd = 'closed';
  let closedSides = 0;

  const finish = () => {
    if (ended) return;
    ended = true;
    onEnd(reason);
  };
  const fail = (why: RelayEnd) => {
    if (reason === 'closed') reason = why;
    // An error on one side resets the other so the peer learns at once.
    if (!client.destroyed) client.resetAndDestroy();
    if (!remote.destroyed) remote.resetAndDestroy();
  };
  const onClose = () => {
    closedSides++;
    if (closedSides === 2) finish();
    else {
      // When one side is fully closed, the other has nothing left to talk to.
      if (!client.destroyed && client.writableEnded && remote.destroyed) client.destroy();
      if (!remote.destroyed && remote.writableEnded && client.destroyed) remote.destroy();
    }
  };

  client.on('error', (e: NodeJS.ErrnoException) => fail(`error: client ${e.code ?? e.message}`));
  remote.on('error', (e: NodeJS.ErrnoException) => fail(`error: remote ${e.code ?? e.message}`));
  client.once('close', onClose);
  remote.once('close', onClose);

  // Half-close: when a side ends (FIN), end the other's writable side once
  // drained; when both directions have ended, destroy.
  const maybeDone = () => {
    if (client.readableEnded && remote.readableEnded) {
      client.destroySoon();
      remote.destroySoon();
    }
  };
  client.once('end', maybeDone);
  remote.once('end', maybeDone);

  const idle = () => {
    reason = 'timeout';
    client.destroy();
    remote.destroy();
  };
  client.setTimeout(opts.idleMs, idle);
  remote.setTimeout(opts.idleMs, idle);

  if (opts.head && opts.head.length) remote.write(opts.head);
  client.pipe(remote);
  remote.pipe(client);
  client.resume();
  remote.resume();

  return () => {
    reason = reason === 'closed' ? 'error: killed' : reason;
    client.destroy();
    remote.destroy();
  };
}
