// Reads the first client bytes for sniffing, under a short deadline, without
// consuming them: the caller replays `head` to the outbound first.
import type { Socket } from 'node:net';

export type SniffVerdict = { host: string } | 'need-more' | 'no';
export type SniffFn = (buf: Buffer) => SniffVerdict;

export interface PeekResult {
  head: Buffer;
  host: string;
  /** the client closed or errored while we waited */
  ended: boolean;
}

/** Up to `maxBytes` of client data, until `sniff` decides or `timeoutMs` passes. Leaves the socket paused. */
export function peekHost(socket: Socket, sniff: SniffFn, timeoutMs: number, initial?: Buffer, maxBytes = 16384): Promise<PeekResult> {
  return new Promise((resolve) => {
    let head = initial ?? Buffer.alloc(0);
    let settled = false;
    const finish = (host: string, ended: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      resolve({ head, host, ended });
    };
    const judge = () => {
      const v = sniff(head);
      if (v === 'need-more' && head.length < maxBytes) return false;
      finish(typeof v === 'object' ? v.host : '', false);
      return true;
    };
    const onData = (chunk: Buffer) => {
      head = head.length ? Buffer.concat([head, chunk]) : chunk;
      judge();
    };
    const onEnd = () => finish('', true);
    const timer = setTimeout(() => finish('', false), timeoutMs);
    if (head.length && judge()) return;
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}
