// The client side of a SOCKS5 handshake (RFC 1928 + RFC 1929), as an explicit
// state machine over a receive buffer: greeting -> auth -> request -> reply.
// Used for CONNECT (TCP) and UDP ASSOCIATE (the control connection).
//
// NOTE: written here rather than with the `socks` package because that client
// accepts a reply with an unknown ATYP as success, and replays bytes that
// arrived with the reply through setImmediate + resume(), which loses them if
// the consumer attaches after that tick. Errors never carry the password.
import type net from 'node:net';
import { isIPv4, isIPv6 } from 'node:net';
import { SyError } from '../core/errors.js';
import { normalizeIp } from '../core/address.js';
import { readSocksAddress, writeSocksAddress } from './socks5-address.js';

export const SOCKS_CMD_CONNECT = 1;
export const SOCKS_CMD_UDP_ASSOCIATE = 3;

const REPLIES: Record<number, string> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

export interface Socks5HandshakeOptions {
  cmd: typeof SOCKS_CMD_CONNECT | typeof SOCKS_CMD_UDP_ASSOCIATE;
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

export interface Socks5Reply {
  /** BND.ADDR as sent (an IP, or a name for ATYP 3) */
  bndAddr: string;
  bndPort: number;
}

type State = 'greeting' | 'auth' | 'reply' | 'done';

/**
 * Runs the handshake on a connected socket. On success the socket is paused
 * with any bytes after the reply unshifted back; on failure the socket is
 * destroyed and the promise rejects with a coded error.
 */
export function socks5Handshake(sock: net.Socket, o: Socks5HandshakeOptions): Promise<Socks5Reply> {
  const hostBytes = writeSocksAddress(o.host);
  if (!hostBytes) {
    sock.destroy();
    return Promise.reject(new SyError('SY_ERR_NET_DIAL', { where: o.where, value: o.host, expected: 'a host name of at most 255 bytes or an IP' }));
  }
  const hasAuth = o.username !== '' || o.password !== '';
  return new Promise((resolve, reject) => {
    let state: State = 'greeting';
    let buf: Buffer = Buffer.alloc(0);
    const fail = (code: 'SY_ERR_NET_SOCKS_HANDSHAKE' | 'SY_ERR_NET_SOCKS_AUTH' | 'SY_ERR_NET_SOCKS_REFUSED' | 'SY_ERR_NET_TIMEOUT' | 'SY_ERR_NET_ABORTED' | 'SY_ERR_NET_DIAL', detail: string, cause?: Error) => {
      if (state === 'done') return;
      state = 'done';
      cleanup();
      sock.destroy();
      // The cause is a plain socket error (never one holding the options), so no credentials leak.
      reject(new SyError(code, { where: o.where, detail, cause }));
    };
    const onData = (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      if (buf.length > 1024) return fail('SY_ERR_NET_SOCKS_HANDSHAKE', 'oversized handshake reply');
      step();
    };
    const sendRequest = () => {
      const port = Buffer.alloc(2);
      port.writeUInt16BE(o.port);
      sock.write(Buffer.concat([Buffer.from([5, o.cmd, 0]), hostBytes, port]));
      state = 'reply';
    };
    const step = (): void => {
      if (state === 'greeting') {
        if (buf.length < 2) return;
        const [ver, method] = [buf[0], buf[1]];
        buf = buf.subarray(2);
        if (ver !== 5) return fail('SY_ERR_NET_SOCKS_HANDSHAKE', `greeting reply has version ${ver}, not 5`);
        if (method === 0) sendRequest();
        else if (method === 2 && hasAuth) {
          const u = Buffer.from(o.username);
          const p = Buffer.from(o.password);
          if (u.length > 255 || p.length > 255) return fail('SY_ERR_NET_SOCKS_AUTH', 'username or password longer than 255 bytes');
          sock.write(Buffer.concat([Buffer.from([1, u.length]), u, Buffer.from([p.length]), p]));
          state = 'auth';
        } else if (method === 0xff || method === 2) {
          return fail('SY_ERR_NET_SOCKS_AUTH', hasAuth ? 'the server accepts none of our methods' : 'the server requires a username and password');
        } else return fail('SY_ERR_NET_SOCKS_HANDSHAKE', `the server chose unsupported method ${method}`);
        return step();
      }
      if (state === 'auth') {
        if (buf.length < 2) return;
        const status = buf[1];
        buf = buf.subarray(2);
        if (status !== 0) return fail('SY_ERR_NET_SOCKS_AUTH', `username "${o.username}" was refused (status ${status})`);
        sendRequest();
        return step();
      }
      if (state === 'reply') {
        if (buf.length < 4) return;
        if (buf[0] !== 5) return fail('SY_ERR_NET_SOCKS_HANDSHAKE', `reply has version ${buf[0]}, not 5`);
        const rep = buf[1] ?? 0;
        if (rep !== 0) return fail('SY_ERR_NET_SOCKS_REFUSED', `reply ${rep} (${REPLIES[rep] ?? 'unassigned'})`);
        const addr = readSocksAddress(buf, 3);
        if (addr === 'bad') return fail('SY_ERR_NET_SOCKS_HANDSHAKE', `reply has unknown address type ${buf[3]}`);
        if (addr === 'short') return;
        state = 'done';
        cleanup();
        const rest = buf.subarray(addr.end);
        sock.pause();
        if (rest.length) sock.unshift(rest);
        resolve({ bndAddr: addr.host, bndPort: addr.port });
      }
    };
    const onClose = () => fail('SY_ERR_NET_SOCKS_HANDSHAKE', 'the server closed the connection during the handshake');
    const onError = (err: Error) => fail('SY_ERR_NET_DIAL', 'socket error during the handshake', err);
    const onAbort = () => fail('SY_ERR_NET_ABORTED', 'aborted during the handshake');
    const timer = setTimeout(() => fail('SY_ERR_NET_TIMEOUT', `no SOCKS5 handshake within ${o.timeoutMs} ms`), o.timeoutMs);
    timer.unref();
    const cleanup = () => {
      clearTimeout(timer);
      sock.removeListener('data', onData);
      sock.removeListener('close', onClose);
      sock.removeListener('error', onError);
      o.signal?.removeEventListener('abort', onAbort);
    };
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('data', onData);
    sock.once('close', onClose);
    sock.once('error', onError);
    sock.write(Buffer.from(hasAuth ? [5, 2, 0, 2] : [5, 1, 0]));
    sock.resume();
  });
}

/** Whether a BND.ADDR is unusable as a relay address (0.0.0.0, ::, or a name). */
export function isUnspecified(addr: string): boolean {
  const ip = normalizeIp(addr);
  return ip === '' || ip === '0.0.0.0' || ip === '::' || (!isIPv4(ip) && !isIPv6(ip));
}
