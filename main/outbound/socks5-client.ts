// The client side of a SOCKS5 handshake (RFC 1928 + RFC 1929) over a
// connected socket: one pipelined write (socks5-wire.ts), then the server's
// replies parsed strictly from a receive buffer. Used for CONNECT (TCP) and
// UDP ASSOCIATE (the control connection).
//
// NOTE: written here rather than with the `socks` package because that client
// accepts a reply with an unknown ATYP as success, waits for each reply
// before sending the next message (two extra round trips per connection), and
// replays bytes that arrived with the reply through setImmediate + resume(),
// which loses them if the consumer attaches after that tick. Errors never
// carry the password.
import type net from 'node:net';
import { isIPv4, isIPv6 } from 'node:net';
import { SyError } from '../core/errors.js';
import { normalizeIp } from '../core/address.js';
import { parseSocks5Replies, socks5Opening, type SocksCmd, type Socks5Reply } from './socks5-wire.js';

export { SOCKS_CMD_CONNECT, SOCKS_CMD_UDP_ASSOCIATE, type Socks5Reply } from './socks5-wire.js';

export interface Socks5HandshakeOptions {
  cmd: SocksCmd;
  /** host name (sent as ATYP 3) or IP (ATYP 1/4) */
  host: string;
  port: number;
  username: string;
  password: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** for messages: `socks5 "hk" 127.0.0.1:1080` */
  where: string;
}

type FailCode = 'SY_ERR_NET_SOCKS_HANDSHAKE' | 'SY_ERR_NET_SOCKS_AUTH' | 'SY_ERR_NET_SOCKS_REFUSED' | 'SY_ERR_NET_TIMEOUT' | 'SY_ERR_NET_ABORTED' | 'SY_ERR_NET_DIAL';

/** The longest possible answer: method reply, auth reply, reply with a 255-byte name. */
const MAX_ANSWER = 2 + 2 + 4 + 1 + 255 + 2;

/**
 * Runs the handshake on a connected socket. On success the socket is paused
 * with any bytes after the reply unshifted back (CONNECT: the target's first
 * bytes); on failure the socket is destroyed and the promise rejects with a
 * coded error.
 */
export function socks5Handshake(sock: net.Socket, o: Socks5HandshakeOptions): Promise<Socks5Reply> {
  let opening: Buffer;
  try {
    opening = socks5Opening(o);
  } catch (e) {
    sock.destroy();
    return Promise.reject(e);
  }
  if (o.signal?.aborted) {
    sock.destroy();
    return Promise.reject(new SyError('SY_ERR_NET_ABORTED', { where: o.where, detail: 'aborted before the handshake' }));
  }
  const auth = o.username !== '' || o.password !== '';
  return new Promise((resolve, reject) => {
    let buf: Buffer | null = null;
    let done = false;
    let part = 'the method selection reply';
    const fail = (code: FailCode, detail: string, cause?: Error) => {
      if (done) return;
      done = true;
      cleanup();
      sock.destroy();
      // The cause is a plain socket error (never one holding the options), so no credentials leak.
      reject(new SyError(code, { where: o.where, detail, cause }));
    };
    const onData = (chunk: Buffer) => {
      buf = buf ? Buffer.concat([buf, chunk]) : chunk;
      const r = parseSocks5Replies(buf, auth, o.username, o.cmd);
      if (r.kind === 'short') {
        part = r.part;
        if (buf.length > MAX_ANSWER) fail('SY_ERR_NET_SOCKS_HANDSHAKE', 'oversized handshake reply');
        return;
      }
      if (r.kind === 'error') return fail(r.code, r.detail);
      done = true;
      cleanup();
      sock.pause();
      if (buf.length > r.end) sock.unshift(buf.subarray(r.end));
      resolve(r.reply);
    };
    const onClose = () => fail('SY_ERR_NET_SOCKS_HANDSHAKE', `the server closed the connection before the end of ${part}${buf ? ` (${buf.length} bytes received)` : ''}`);
    const onError = (err: Error) => fail('SY_ERR_NET_DIAL', 'socket error during the handshake', err);
    const onAbort = () => fail('SY_ERR_NET_ABORTED', 'aborted during the handshake');
    const timer = setTimeout(() => fail('SY_ERR_NET_TIMEOUT', `no SOCKS5 handshake within ${o.timeoutMs} ms (waiting for ${part})`), o.timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      sock.removeListener('data', onData);
      sock.removeListener('end', onClose);
      sock.removeListener('close', onClose);
      sock.removeListener('error', onError);
      o.signal?.removeEventListener('abort', onAbort);
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('data', onData);
    // 'end': a server that half-closes after a partial answer will send nothing more.
    sock.once('end', onClose);
    sock.once('close', onClose);
    sock.once('error', onError);
    sock.write(opening);
    sock.resume();
  });
}

/** Whether a BND.ADDR is unusable as a relay address (0.0.0.0, ::, or a name). */
export function isUnspecified(addr: string): boolean {
  const ip = normalizeIp(addr);
  return ip === '' || ip === '0.0.0.0' || ip === '::' || (!isIPv4(ip) && !isIPv6(ip));
}
