// TCP relay between the client and the outbound: stream pipes both ways (no
// per-chunk JavaScript), half-close carried across, idle timeout, and one
// completion callback with the reason. Byte counts are sampled from the
// sockets (bytesRead/bytesWritten) by the stats layer, not counted here.
import type { Socket } from 'node:net';

export interface RelayOptions {
  /** Destroy both sides after this long with no traffic either way (ms). */
  idleMs: number;
  /** Bytes already read from the client (sniffing) to send first. */
  head?: Buffer;
}

export type RelayEnd = 'closed' | 'timeout' | `error: ${string}`;

/** Relays until both directions are done; `onEnd` fires exactly once. */
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
