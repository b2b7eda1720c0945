// Typed wrapper of the switchyard native addon (native/src/*.cc).
//
// Exposes only what Node lacks: sockets with IP_TRANSPARENT / SO_MARK handed
// over as file descriptors, the transparent UDP path, and the zero-copy TCP
// relay (SpliceRelay: established flows relayed with splice() in a native
// thread). The addon is loaded
// lazily on first use (node-gyp-build: native/build/Release or
// native/prebuilds), so importing this module never fails; a missing build
// throws NativeUnavailableError saying how to build it.
//
// Verified with Node 20 (test/unit/native/): `server.listen({fd})` on a
// transparent listener (accepted sockets' localAddress:localPort is the
// original destination), `new net.Socket({fd}).connect(port, host)` on a
// marked socket, and `dgram.createSocket(type).bind({fd})` on a marked UDP socket.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import net from 'node:net';
import dgram from 'node:dgram';

export interface Endpoint {
  ip: string;
  port: number;
}

export interface TransparentTcpListenerOptions {
  /** IP to bind, e.g. '::' (dual-stack, also takes v4 via IP_TRANSPARENT) or '0.0.0.0' */
  host: string;
  port: number;
  /** 4 or 6; default: the family of host */
  family?: 4 | 6;
  backlog?: number;
  /** SO_MARK of the listener, inherited by accepted sockets (their replies carry it) */
  mark?: number;
  reusePort?: boolean;
  /** only for family 6: IPV6_V6ONLY (default false = dual-stack) */
  v6only?: boolean;
}

export interface TransparentUdpOptions {
  host: string;
  port: number;
  family?: 4 | 6;
  /** SO_MARK of the listener and of every reply socket (so replies are never recaptured) */
  mark?: number;
  /** reply sockets kept (one per `from` address), LRU; default 256 */
  maxReplySockets?: number;
  /** reply sockets idle this long are closed; default 60000 */
  replyIdleMs?: number;
  /** SO_RCVBUF(FORCE) of the listener in bytes, to absorb bursts; default 4 MiB, 0 = kernel default */
  recvBufferSize?: number;
}

/** Called for every datagram: the client (src), the ORIGINAL destination (dst), DSCP or -1. */
export type UdpMessageHandler = (data: Buffer, src: Endpoint, dst: Endpoint, dscp: number) => void;

interface NativeUdp {
  sendFrom(data: Buffer, from: Endpoint, to: Endpoint): number;
  close(): void;
  address(): Endpoint & { family: 4 | 6 };
  ref(): void;
  unref(): void;
  replySocketCount(): number;
}

interface NativeSplice {
  add(clientFd: number, remoteFd: number, idleMs: number, headUp?: Buffer, headDown?: Buffer, defer?: boolean): number;
  wake(): void;
  connect(
    clientFd: number, family: 4 | 6, mark: number, ip: string, port: number, idleMs: number, connectTimeoutMs: number,
    headUp?: Buffer, defer?: boolean, opening?: Buffer, socks?: number,
  ): number;
  counts(id: number): [number, number] | undefined;
  kill(id: number): boolean;
  close(): void;
  stats(): SpliceRelayStats;
}

interface NativeDialerHandle {
  dial(family: 4 | 6, mark: number, ip: string, port: number, defer?: boolean): number;
  wake(): void;
  ref(): void;
  unref(): void;
  cancel(id: number): void;
  close(): void;
  pending(): number;
}

interface Addon {
  Dialer: new (onDone: (id: number, fd: number, err: string) => void) => NativeDialerHandle;
  SpliceRelay: new (o: SpliceRelayOptions, onClosed: (id: number, reason: string, up: number, down: number) => void) => NativeSplice;
  createTransparentTcpListener(o: TransparentTcpListenerOptions): number;
  createMarkedTcpSocket(family: 4 | 6, mark: number): number;
  createMarkedUdpSocket(family: 4 | 6, mark: number): number;
  closeFd(fd: number): void;
  TransparentUdp: new (
    o: TransparentUdpOptions,
    cb: (data: Buffer, srcIp: string, srcPort: number, dstIp: string, dstPort: number, dscp: number) => void,
  ) => NativeUdp;
}

/**
 * Wakes a native thread once per event-loop turn instead of once per call:
 * waking a sleeping thread costs a cross-CPU interrupt (a VM exit on this
 * machine, ~30 µs of the caller's CPU), and under load one turn accepts or
 * dials many connections. setImmediate runs right after the poll phase.
 */
function batchedWake(wake: () => void): () => void {
  let scheduled = false;
  const run = () => {
    scheduled = false;
    wake();
  };
  return () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(run);
  };
}

/** The addon is not built or cannot be loaded. */
export class NativeUnavailableError extends Error {
  readonly code = 'ERR_SY_NATIVE_MISSING';
  constructor(cause: unknown) {
    super(
      'the switchyard native addon is not built: run `npm ci` (or `npm run build:native`) to build it with node-gyp; ' +
        'it needs a C++ toolchain: g++, make and python3 (Debian: apt-get install g++ make python3)' +
        (cause instanceof Error ? ` [cause: ${cause.message.split('\n')[0]}]` : ''),
      { cause },
    );
    this.name = 'NativeUnavailableError';
  }
}

let addon: Addon | undefined;
function load(): Addon {
  if (addon) return addon;
  try {
    const require = createRequire(import.meta.url);
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => Addon;
    addon = nodeGypBuild(dirname(fileURLToPath(import.meta.url)));
    return addon;
  } catch (e) {
    throw new NativeUnavailableError(e);
  }
}

/** Whether the addon loads (false: see NativeUnavailableError for how to build it). */
export function nativeAvailable(): boolean {
  try {
    load();
    return true;
  } catch {
    return false;
  }
}

/**
 * A listening TCP socket with SO_REUSEADDR, IP(V6)_TRANSPARENT and TCP_NODELAY
 * (inherited by accepted sockets); adopt it with `server.listen({fd})`.
 */
export function createTransparentTcpListener(opts: TransparentTcpListenerOptions): number {
  return load().createTransparentTcpListener(opts);
}

/** An unconnected non-blocking TCP socket with SO_MARK; adopt it with `new net.Socket({fd}).connect(port, host)`. */
export function createMarkedTcpSocket(family: 4 | 6, mark: number): number {
  return load().createMarkedTcpSocket(family, mark);
}

/** An unbound non-blocking UDP socket with SO_MARK; adopt it with `dgram.createSocket(type).bind({fd})`. */
export function createMarkedUdpSocket(family: 4 | 6, mark: number): number {
  return load().createMarkedUdpSocket(family, mark);
}

/** Closes an fd from this module that could not be handed to Node. */
export function closeFd(fd: number): void {
  load().closeFd(fd);
}

/**
 * Starts `server` on a transparent listener; resolves once it is listening.
 * NOTE: once handed to listen() the fd belongs to Node (closing it here too
 * could close an unrelated, reused descriptor); it is closed here only when
 * Node refuses it synchronously.
 */
export function listenTransparentTcp(server: net.Server, opts: TransparentTcpListenerOptions): Promise<void> {
  const fd = createTransparentTcpListener(opts);
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    try {
      server.listen({ fd }, () => {
        server.off('error', onError);
        resolve();
      });
    } catch (e) {
      server.off('error', onError);
      closeQuietly(fd);
      reject(e);
    }
  });
}

/** Connects a TCP socket that carries SO_MARK = mark (0 = plain socket). */
export function connectMarkedTcp(opts: { host: string; port: number; mark: number; family?: 4 | 6 }): net.Socket {
  const family = opts.family ?? (net.isIPv6(opts.host) ? 6 : 4);
  if (opts.mark === 0) return net.connect({ host: opts.host, port: opts.port, family });
  const fd = createMarkedTcpSocket(family, opts.mark);
  let socket: net.Socket;
  try {
    socket = new net.Socket({ fd, readable: true, writable: true });
  } catch (e) {
    closeQuietly(fd);
    throw e;
  }
  return socket.connect({ host: opts.host, port: opts.port, family });
}

/** A dgram socket that carries SO_MARK = mark; resolves once adopted (the kernel binds it to an ephemeral port on the first send). */
export function createMarkedDgram(family: 4 | 6, mark: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
  if (mark === 0) return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, () => resolve(socket));
  });
  const fd = createMarkedUdpSocket(family, mark);
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      socket.close(); // Node owns the fd once bind() accepted it
      reject(e);
    };
    socket.once('error', onError);
    try {
      socket.bind({ fd } as unknown as dgram.BindOptions, () => {
        socket.off('error', onError);
        resolve(socket);
      });
    } catch (e) {
      closeQuietly(fd);
      reject(e);
    }
  });
}

function closeQuietly(fd: number): void {
  try {
    load().closeFd(fd);
  } catch {
    /* already adopted/closed */
  }
}

/**
 * The TPROXY UDP inbound: receives datagrams with their original destination
 * without blocking the event loop, and answers from any address.
 * Lifecycle: listening from construction until close() (idempotent).
 */
export class TransparentUdp {
  private readonly native: NativeUdp;
  private closed = false;

  constructor(opts: TransparentUdpOptions, onMessage: UdpMessageHandler) {
    this.native = new (load().TransparentUdp)(opts, (data, srcIp, srcPort, dstIp, dstPort, dscp) =>
      onMessage(data, { ip: srcIp, port: srcPort }, { ip: dstIp, port: dstPort }, dscp),
    );
  }

  /** Sends `data` to `to` so it appears to come from `from` (the original destination). Returns bytes sent. */
  sendFrom(data: Buffer, from: Endpoint, to: Endpoint): number {
    return this.native.sendFrom(data, from, to);
  }

  /** The bound address of the listener. */
  address(): Endpoint & { family: 4 | 6 } {
    return this.native.address();
  }

  /** Number of cached reply sockets (bounded by maxReplySockets). */
  get replySocketCount(): number {
    return this.native.replySocketCount();
  }

  /** Keep / stop keeping the event loop alive for this socket (default: keeps it alive). */
  ref(): this {
    this.native.ref();
    return this;
  }
  unref(): this {
    this.native.unref();
    return this;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.native.close();
  }
}

export interface SpliceRelayOptions {
  /** Idle pipe pairs kept for reuse (each holds 2 fds); default 64. */
  maxPoolPipes?: number;
}

export interface SpliceRelayStats {
  /** connections relayed now */
  connections: number;
  /** pipe pairs open (in flight + pooled) */
  pipesOpen: number;
  /** idle pipe pairs in the pool */
  pipesPooled: number;
}

/** How a spliced connection ended: as the Node relay words it. */
export type SpliceEnd = 'closed' | 'timeout' | `error: ${string}`;

/** A connection handed to the native relay: live counts and kill. */
export interface SplicedConnection {
  readonly id: number;
  /** bytes client -> remote so far (including the head) */
  upload(): number;
  /** bytes remote -> client so far */
  download(): number;
  /** Closes both sides; onEnd follows with 'error: killed'. Idempotent. */
  kill(): void;
}

export interface AdoptOptions {
  /** Close both sides after this long with no bytes either way (ms); 0 = never. */
  idleMs: number;
  /** Bytes already read from the client (sniffing) to send to the remote first. */
  head?: Buffer;
}

interface SocketHandle {
  fd?: number;
  writeQueueSize?: number;
}

/** The fd of a plain TCP socket Node owns, or -1 (TLS, pipes, not yet open). */
function tcpFd(s: net.Socket): number {
  const h = (s as unknown as { _handle?: SocketHandle | null })._handle;
  return h && typeof h.fd === 'number' && h.fd >= 0 && !h.writeQueueSize ? h.fd : -1;
}

/** Whatever Node has already read but nobody consumed (the socket must be paused). */
function takeBuffered(s: net.Socket): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < 1024 && s.readableLength > 0; i++) {
    const chunk = s.read() as Buffer | string | null;
    if (chunk === null) break;
    out.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return out;
}

/**
 * One spliced connection as JavaScript holds it while it lives: a plain
 * object with prototype methods (no closures), since thousands may be held
 * idle (RSS per held connection, docs/benchmarks.md).
 */
class Spliced implements SplicedConnection {
  /** final counts, once the native side reported the end */
  private final: [number, number] | undefined;
  /** between the native close and the report the live counts are gone: the last seen */
  private last: [number, number] | undefined;

  constructor(
    readonly id: number,
    private readonly native: NativeSplice,
    private readonly onEnd: (why: SpliceEnd, up: number, down: number) => void,
  ) {}

  private counts(): [number, number] {
    if (this.final) return this.final;
    const live = this.native.counts(this.id);
    if (live) this.last = live;
    return this.last ?? [0, 0];
  }

  upload(): number {
    return this.counts()[0];
  }

  download(): number {
    return this.counts()[1];
  }

  kill(): void {
    this.native.kill(this.id);
  }

  end(why: SpliceEnd, up: number, down: number): void {
    this.final = [up, down];
    this.onEnd(why, up, down);
  }
}

/**
 * The zero-copy TCP relay (native/src/splice_relay.cc): established
 * connections are relayed by a native epoll thread with splice(), so their
 * bytes never enter JavaScript. Lifecycle: one thread from construction to
 * close(); close() ends every relayed connection without callbacks.
 */
export class SpliceRelay {
  private readonly native: NativeSplice;
  private readonly ends = new Map<number, Spliced>();
  private closed = false;
  private readonly wakeSoon: () => void;

  constructor(opts: SpliceRelayOptions = {}) {
    this.native = new (load().SpliceRelay)(opts, (id, reason, up, down) => {
      const conn = this.ends.get(id);
      if (!conn) return;
      this.ends.delete(id);
      conn.end(reason as SpliceEnd, up, down);
    });
    this.wakeSoon = batchedWake(() => {
      if (!this.closed) this.native.wake();
    });
  }

  /**
   * Hands two connected sockets to the native thread and destroys the Node
   * sockets (which closes only Node's fd: the connections stay up). Bytes
   * Node already buffered are sent first (after `head` for the client).
   * Returns null, leaving the sockets untouched, when they cannot be handed
   * over: not plain TCP, writes still queued, or a FIN already consumed by
   * Node. `onEnd` fires once, from the event loop, with the final counts.
   */
  adopt(client: net.Socket, remote: net.Socket, opts: AdoptOptions, onEnd: (why: SpliceEnd, up: number, down: number) => void): SplicedConnection | null {
    if (this.closed) return null;
    const cfd = tcpFd(client);
    const rfd = tcpFd(remote);
    if (cfd < 0 || rfd < 0 || client.destroyed || remote.destroyed || client.connecting || remote.connecting) return null;
    if (client.writableLength || remote.writableLength || client.readableEnded || remote.readableEnded) return null;
    const rs = (s: net.Socket) => (s as unknown as { _readableState?: { ended?: boolean } })._readableState?.ended === true;
    if (rs(client) || rs(remote)) return null; // the FIN is buffered in Node, the kernel will not report it again
    client.pause();
    remote.pause();
    const up = [...(opts.head && opts.head.length ? [opts.head] : []), ...takeBuffered(client)];
    const down = takeBuffered(remote);
    const id = this.native.add(cfd, rfd, opts.idleMs, up.length ? (up.length === 1 ? up[0] : Buffer.concat(up)) : undefined, down.length ? Buffer.concat(down) : undefined, true);
    this.wakeSoon();
    const conn = new Spliced(id, this.native, onEnd);
    this.ends.set(id, conn);
    // NOTE: destroy() closes only Node's fd; the native dup keeps the connection (reference.md §7.1).
    client.removeAllListeners('data');
    remote.removeAllListeners('data');
    client.destroy();
    remote.destroy();
    return conn;
  }

  /**
   * Hands the client over and lets the native thread dial the remote itself
   * (SO_MARK = target.mark, TCP_NODELAY, keepalive): a DIRECT connection to
   * a known IP never passes through Node. Bytes Node already buffered follow
   * `head`. A failed connect ends with `error: connect <ERRNO>` (the client
   * is reset); no answer within `connectTimeoutMs` with `error: connect
   * ETIMEDOUT`. With `opening` and `socks` (a SOCKS5 upstream) the thread
   * sends the opening, checks the answer and only then relays; a failure
   * ends with `error: socks5 <bad|closed|timeout|ERRNO> <answer hex>`
   * (outbound/native-end.ts words it). Returns null, leaving the socket untouched, when the client
   * cannot be handed over (as adopt()).
   */
  connect(
    client: net.Socket,
    target: { family: 4 | 6; mark: number; ip: string; port: number; connectTimeoutMs: number; opening?: Buffer | undefined; socks?: 1 | 2 | undefined },
    opts: AdoptOptions,
    onEnd: (why: SpliceEnd, up: number, down: number) => void,
  ): SplicedConnection | null {
    if (this.closed) return null;
    const cfd = tcpFd(client);
    if (cfd < 0 || client.destroyed || client.connecting || client.writableLength || client.readableEnded) return null;
    if ((client as unknown as { _readableState?: { ended?: boolean } })._readableState?.ended === true) return null;
    client.pause();
    const buffered = takeBuffered(client);
    const up = opts.head && opts.head.length ? (buffered.length ? Buffer.concat([opts.head, ...buffered]) : opts.head) : buffered.length ? Buffer.concat(buffered) : undefined;
    const id = this.native.connect(cfd, target.family, target.mark, target.ip, target.port, opts.idleMs, target.connectTimeoutMs, up, true, target.opening, target.socks ?? 0);
    this.wakeSoon();
    const conn = new Spliced(id, this.native, onEnd);
    this.ends.set(id, conn);
    client.removeAllListeners('data');
    client.destroy(); // closes only Node's fd (reference.md §7.1)
    return conn;
  }

  stats(): SpliceRelayStats {
    return this.native.stats();
  }

  /** Stops the thread and closes every relayed connection (no onEnd). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ends.clear();
    this.native.close();
  }
}

/** A SpliceRelay, or null when the addon is not built (callers fall back to Node streams). */
export function createSpliceRelay(opts: SpliceRelayOptions = {}): SpliceRelay | null {
  if (!nativeAvailable()) return null;
  return new SpliceRelay(opts);
}

/** A connect that failed in the native dialer: `code` is the errno name (ECONNREFUSED, ...). */
export class DialError extends Error {
  readonly syscall = 'connect';
  constructor(readonly code: string, ip: string, port: number) {
    super(`connect ${code} ${ip.includes(':') ? `[${ip}]` : ip}:${port}`);
    this.name = 'DialError';
  }
}

/** One dial in progress: the connected socket, or the errno error; cancel() abandons it. */
export interface PendingDial {
  readonly socket: Promise<net.Socket>;
  cancel(): void;
}

/**
 * Outbound TCP connects done in a native thread (native/src/dialer.cc): the
 * kernel's connect work (on veth the whole three-way handshake runs in the
 * caller's softirq) and the socket set-up syscalls leave the event loop.
 * Sockets carry SO_MARK = mark, TCP_NODELAY and keepalive after 30 s idle.
 * Lifecycle: one thread from construction to close(); pending dials are
 * closed then and never settle.
 */
export class NativeDialer {
  private readonly native: NativeDialerHandle;
  private readonly waiting = new Map<number, (fd: number, err: string) => void>();
  private closed = false;
  private readonly wakeSoon: () => void;

  constructor() {
    this.native = new (load().Dialer)((id, fd, err) => {
      const w = this.waiting.get(id);
      if (!w) {
        if (fd >= 0) closeQuietly(fd); // cancelled while the result was on its way
        return;
      }
      this.forget(id);
      w(fd, err);
    });
    this.wakeSoon = batchedWake(() => {
      if (!this.closed) this.native.wake();
    });
  }

  /** Connects to ip:port; the socket allows half-open connections (the relay carries a half-close). */
  dial(family: 4 | 6, mark: number, ip: string, port: number): PendingDial {
    if (this.closed) return { socket: Promise.reject(new Error('the native dialer is closed')), cancel: () => {} };
    const id = this.native.dial(family, mark, ip, port, true);
    this.wakeSoon();
    // Like net.connect, an awaited dial keeps the process alive.
    if (this.waiting.size === 0) this.native.ref();
    const socket = new Promise<net.Socket>((resolve, reject) => {
      this.waiting.set(id, (fd, err) => {
        if (fd < 0) return reject(new DialError(err || 'EIO', ip, port));
        try {
          const sock = new net.Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
          // TCP_NODELAY is set natively: the marker of main/core/socket-flags.ts lets the tunnel skip its setsockopt.
          (sock as net.Socket & Record<symbol, boolean>)[NODELAY_MARK] = true;
          resolve(sock);
        } catch (e) {
          closeQuietly(fd);
          reject(e);
        }
      });
    });
    return {
      socket,
      cancel: () => {
        if (!this.forget(id)) return;
        this.native.cancel(id);
      },
    };
  }

  private forget(id: number): boolean {
    if (!this.waiting.delete(id)) return false;
    if (this.waiting.size === 0 && !this.closed) this.native.unref();
    return true;
  }

  /** Dials still waiting for the kernel (tests: nothing leaks). */
  pending(): number {
    return this.native.pending();
  }

  /** Stops the thread and closes pending sockets. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiting.clear();
    this.native.close();
  }
}

const NODELAY_MARK = Symbol.for('switchyard.noDelay');

let shared: NativeDialer | null | undefined;
/**
 * The process's one native dialer (created on first use; null without the
 * addon). It holds nothing but dials in flight, so engines share it rather
 * than each starting and stopping a thread; its thread never keeps the
 * process alive.
 */
export function sharedDialer(): NativeDialer | null {
  if (shared === undefined) shared = nativeAvailable() ? new NativeDialer() : null;
  return shared;
}
