// Shared dialling helpers: connect a factory socket with a deadline and an
// abort signal, resolve a destination host, and the health record every
// outbound keeps for the API.
import type net from 'node:net';
import { SyError } from '../core/errors.js';
import { ipFamily, normalizeIp, formatHostPort } from '../core/address.js';
import type { Resolver } from '../core/rule.js';
import type { DelayRecord } from '../core/outbound.js';
import type { SocketFactory } from './socket-factory.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface ConnectOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
  /** For error messages: `socks5 "hk" 198.51.100.2:1080`. */
  where: string;
}

/**
 * Connects a new factory socket to ip:port (in the factory's dial thread
 * when it has one). Resolves once connected, with TCP_NODELAY and keepalive
 * set; rejects with SY_ERR_NET_DIAL / _TIMEOUT / _ABORTED and destroys the
 * socket on failure.
 */
export function connectTcp(sockets: SocketFactory, ip: string, port: number, opts: ConnectOptions): Promise<net.Socket> {
  const fam = ipFamily(ip);
  if (fam === 0) return Promise.reject(new SyError('SY_ERR_NET_DIAL', { where: opts.where, value: ip, expected: 'an IP address' }));
  if (opts.signal?.aborted) return Promise.reject(new SyError('SY_ERR_NET_ABORTED', { where: opts.where }));
  if (sockets.dial) return connectInThread(sockets.dial.bind(sockets), fam, ip, port, opts);
  return new Promise((resolve, reject) => {
    let sock: net.Socket;
    try {
      sock = sockets.tcp(fam);
    } catch (cause) {
      reject(new SyError('SY_ERR_NET_DIAL', { where: opts.where, detail: 'cannot create a socket', cause }));
      return;
    }
    let done = false;
    const finish = (err: SyError | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      sock.removeListener('error', onError);
      sock.removeListener('connect', onConnect);
      if (err) {
        sock.destroy();
        reject(err);
      } else resolve(sock);
    };
    const onError = (cause: Error) =>
      finish(new SyError('SY_ERR_NET_DIAL', { where: `${opts.where} -> ${formatHostPort(ip, port)}`, cause }));
    const onConnect = () => {
      sock.setNoDelay(true);
      sock.setKeepAlive(true, 30_000);
      finish(null);
    };
    const onAbort = () => finish(new SyError('SY_ERR_NET_ABORTED', { where: opts.where }));
    const timer = setTimeout(() => finish(timeoutError(ip, port, opts)), opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    timer.unref();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('error', onError);
    sock.once('connect', onConnect);
    sock.connect({ host: ip, port });
  });
}

function timeoutError(ip: string, port: number, opts: ConnectOptions): SyError {
  return new SyError('SY_ERR_NET_TIMEOUT', { where: `${opts.where} -> ${formatHostPort(ip, port)}`, detail: `no answer within ${opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms` });
}

/** connectTcp through a factory's threaded dial: same deadline, abort and errors. */
function connectInThread(dial: NonNullable<SocketFactory['dial']>, fam: 4 | 6, ip: string, port: number, opts: ConnectOptions): Promise<net.Socket> {
  let pending: ReturnType<typeof dial>;
  try {
    pending = dial(fam, ip, port);
  } catch (cause) {
    return Promise.reject(new SyError('SY_ERR_NET_DIAL', { where: `${opts.where} -> ${formatHostPort(ip, port)}`, detail: 'cannot start the connect', cause }));
  }
  return new Promise((resolve, reject) => {
    let done = false;
    const stop = (err: SyError) => {
      if (done) return;
      done = true;
      cleanup();
      pending.cancel();
      reject(err);
    };
    const onAbort = () => stop(new SyError('SY_ERR_NET_ABORTED', { where: opts.where }));
    // Not unref'd: the dial thread does not keep the process alive, this timer does until the deadline.
    const timer = setTimeout(() => stop(timeoutError(ip, port, opts)), opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    const cleanup = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    pending.socket.then(
      (sock) => {
        if (done) return void sock.destroy();
        done = true;
        cleanup();
        resolve(sock);
      },
      (cause: Error) => {
        if (done) return;
        done = true;
        cleanup();
        reject(new SyError('SY_ERR_NET_DIAL', { where: `${opts.where} -> ${formatHostPort(ip, port)}`, cause }));
      },
    );
  });
}

/** ip when it is one, else the first address the resolver gives; SY_ERR_NET_RESOLVE when none. */
export async function resolveIp(resolver: Resolver, host: string, ip: string, where: string): Promise<string> {
  const direct = normalizeIp(ip) || normalizeIp(host);
  if (direct) return direct;
  if (!host) throw new SyError('SY_ERR_NET_RESOLVE', { where, detail: 'the destination has neither an IP nor a host' });
  const addrs = await resolver.resolve(host);
  const first = addrs.map(normalizeIp).find((a) => a !== '');
  if (!first) throw new SyError('SY_ERR_NET_RESOLVE', { where, value: host });
  return first;
}

export const HISTORY_LIMIT = 10;

/**
 * Liveness and bounded delay history of one outbound. `alive` starts true
 * (untested members are usable) and follows the last health check.
 */
export class Health {
  private records: DelayRecord[] = [];
  private isAlive = true;
  /** ms of the last successful test, undefined when never tested or failed. */
  lastDelay: number | undefined;

  alive(): boolean {
    return this.isAlive;
  }

  history(): readonly DelayRecord[] {
    return this.records;
  }

  /** delay 0 = failed. */
  record(delay: number, now = new Date()): void {
    this.isAlive = delay > 0;
    this.lastDelay = delay > 0 ? delay : undefined;
    this.records.push({ time: now.toISOString(), delay });
    if (this.records.length > HISTORY_LIMIT) this.records.splice(0, this.records.length - HISTORY_LIMIT);
  }
}

/** All usable addresses for a destination: the IP when known, else what the resolver answers (at most `max`). */
export async function resolveAll(resolver: Resolver, host: string, ip: string, where: string, max = 4): Promise<string[]> {
  const direct = normalizeIp(ip) || normalizeIp(host);
  if (direct) return [direct];
  if (!host) throw new SyError('SY_ERR_NET_RESOLVE', { where, detail: 'the destination has neither an IP nor a host' });
  const addrs = [...new Set((await resolver.resolve(host)).map(normalizeIp).filter((a) => a !== ''))];
  if (addrs.length === 0) throw new SyError('SY_ERR_NET_RESOLVE', { where, value: host });
  return addrs.slice(0, max);
}

/** Describes a destination for error messages. */
export function describeDst(dst: { host: string; ip: string; port: number }): string {
  return formatHostPort(dst.host || dst.ip, dst.port);
}
