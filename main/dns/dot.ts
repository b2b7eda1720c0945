// DNS over TLS (RFC 7858): 2-byte length-prefixed messages over one kept-alive
// TLS connection per server, dialed on a TCP socket from the injected factory
// (SO_MARK) and wrapped with tls.connect({ socket }). Queries are pipelined
// with distinct ids and matched by id and question (RFC 7766 §6.2.1.1). A
// reused connection that the server closed while idle is retried once on a
// fresh one. Certificates are verified against the URL's host name (or IP),
// unless `#skip-cert-verify=true`. A malformed frame poisons the connection:
// its queries fail with SY_ERR_DNS_UPSTREAM and the next query reconnects; so
// does a query left unanswered while a partial frame is buffered (lost
// framing). The TCP connect + handshake is bounded by connectTimeoutMs.
import net from 'node:net';
import tls from 'node:tls';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { SyError } from '../core/errors.js';
import { buildQuery, guard, matches, type Question } from './exchange.js';
import type { Nameserver } from './nameserver.js';
import { isConnectError, proxiedTarget, targetOf, tlsError, viaOf, type Upstream, type UpstreamDeps } from './target.js';

type Done = (err: SyError | null, p?: dnsPacket.DecodedPacket) => void;

interface Pending {
  readonly q: Question;
  readonly done: Done;
}

/** One TLS connection and the queries waiting on it. */
class DotConn {
  readonly pending = new Map<number, Pending>();
  /** Answered at least once (so a close may be the server's idle timeout). */
  used = false;
  closed = false;
  private acc: Buffer = Buffer.alloc(0);
  private idle: NodeJS.Timeout | undefined;

  constructor(
    readonly sock: tls.TLSSocket,
    private readonly ns: Nameserver,
    private readonly idleMs: number,
    private readonly onClose: (c: DotConn, err: SyError) => void,
  ) {
    sock.unref(); // pending queries hold the process through their own timers
    sock.on('data', (d: Buffer) => this.onData(d));
    sock.on('error', (e) => this.fail(tlsError(ns, e)));
    sock.on('close', () => this.fail(new SyError('SY_ERR_DNS_UPSTREAM', { where: ns.raw, detail: 'connection closed before an answer' })));
    this.armIdle();
  }

  send(q: Question, done: Done): () => void {
    if (this.closed) {
      done(new SyError('SY_ERR_DNS_UPSTREAM', { where: this.ns.raw, detail: 'connection closed before an answer' }));
      return () => {};
    }
    let id = randomInt(0, 65536);
    for (let i = 0; this.pending.has(id) && i < 64; i++) id = randomInt(0, 65536);
    if (this.pending.has(id)) {
      done(new SyError('SY_ERR_DNS_UPSTREAM', { where: this.ns.raw, detail: 'too many queries in flight' }));
      return () => {};
    }
    this.pending.set(id, { q, done });
    if (this.idle) clearTimeout(this.idle);
    const msg = buildQuery(q, id, this.ns.ecs);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(msg.length);
    this.sock.write(Buffer.concat([len, msg]));
    return () => {
      // Unanswered while part of a frame sits unparsed: the stream lost its
      // framing (a bad length prefix), so this connection is replaced.
      if (this.pending.delete(id) && this.acc.length > 0) this.destroy();
      this.armIdle();
    };
  }

  destroy(): void {
    this.closed = true;
    if (this.idle) clearTimeout(this.idle);
    this.sock.destroy();
  }

  private armIdle(): void {
    if (this.pending.size > 0 || this.closed) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.destroy(), this.idleMs).unref();
  }

  private onData(d: Buffer): void {
    this.acc = this.acc.length ? Buffer.concat([this.acc, d]) : d;
    while (this.acc.length >= 2 && this.acc.length >= 2 + this.acc.readUInt16BE(0)) {
      const n = this.acc.readUInt16BE(0);
      const frame = this.acc.subarray(2, 2 + n);
      this.acc = this.acc.subarray(2 + n);
      let p: dnsPacket.DecodedPacket;
      try {
        p = dnsPacket.decode(frame);
      } catch {
        return this.fail(new SyError('SY_ERR_DNS_UPSTREAM', { where: this.ns.raw, detail: 'malformed DNS message on the TLS stream' }));
      }
      const entry = p.id === undefined ? undefined : this.pending.get(p.id);
      if (!entry || !matches(p, p.id!, entry.q)) continue; // late answer of a timed-out query
      this.pending.delete(p.id!);
      this.used = true;
      entry.done(null, p);
    }
    this.armIdle();
  }

  private fail(err: SyError): void {
    if (this.closed && this.pending.size === 0) return;
    this.destroy();
    this.onClose(this, err);
  }
}

export class DotClient implements Upstream {
  private live: DotConn | undefined;
  /** The address whose connection last failed: the next dial prefers another. */
  private failedIp: string | undefined;
  private opening: Promise<DotConn> | undefined;

  constructor(
    readonly ns: Nameserver,
    private readonly deps: UpstreamDeps,
  ) {}

  exchange(q: Question, timeoutMs: number, signal?: AbortSignal): Promise<dnsPacket.DecodedPacket> {
    return guard<dnsPacket.DecodedPacket>(this.ns, q, timeoutMs, signal, (done) => {
      let cancel: () => void = () => {};
      let over = false;
      const attempt = (mayRetry: boolean) => {
        this.connection().then(
          (c) => {
            if (over) return;
            const reused = c.used;
            cancel = c.send(q, (err, p) => {
              if (err && mayRetry && reused) return attempt(false);
              done(err, p);
            });
          },
          (e: unknown) => done(e instanceof SyError ? e : tlsError(this.ns, e)),
        );
      };
      attempt(true);
      return () => {
        over = true;
        cancel();
      };
    });
  }

  close(): void {
    this.live?.destroy();
    this.live = undefined;
    void this.opening?.then((x) => x.destroy(), () => {});
    this.opening = undefined;
  }

  /** The open connection, or a new one (handshake done); concurrent callers share one handshake. */
  private connection(): Promise<DotConn> {
    if (this.live && !this.live.closed) return Promise.resolve(this.live);
    if (this.opening) return this.opening;
    const p = this.open().then(
      (c) => {
        if (this.opening === p) this.opening = undefined;
        this.live = c;
        return c;
      },
      (e: unknown) => {
        if (this.opening === p) this.opening = undefined;
        throw e;
      },
    );
    this.opening = p;
    return p;
  }

  private async open(): Promise<DotConn> {
    const ns = this.ns;
    const handshakeMs = this.deps.connectTimeoutMs ?? 5000;
    // Through an outbound (#PROXY, respect-rules): the TCP stream comes from it, already connected.
    const via = viaOf(this.deps);
    const to = via ? null : await targetOf(ns, this.deps, this.failedIp);
    const raw = to ? this.deps.sockets.tcp(to.family) : await this.dialVia(via, handshakeMs);
    let s: tls.TLSSocket | undefined;
    const sock = await new Promise<tls.TLSSocket>((resolve, reject) => {
      // Handshake errors reject (once); later ones end the TLS socket; none goes unhandled.
      let ready = false;
      raw.on('error', (e) => (ready ? s!.destroy(e) : reject(e)));
      const timer = setTimeout(() => reject(new SyError('SY_ERR_DNS_TIMEOUT', { where: ns.raw, detail: `TLS handshake not done within ${handshakeMs} ms` })), handshakeMs);
      if (to) raw.connect(ns.port, to.ip);
      s = tls.connect({
        socket: raw,
        host: ns.host,
        // SNI carries host names only (RFC 6066); an IP server is checked against its IP SANs.
        servername: net.isIP(ns.host) ? undefined : ns.host,
        rejectUnauthorized: !ns.skipCertVerify,
        ca: this.deps.tls?.ca as tls.ConnectionOptions['ca'],
      });
      s.on('error', reject);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        ready = true;
        s!.off('error', reject);
        resolve(s!);
      });
      s.once('close', () => {
        clearTimeout(timer);
        reject(new SyError('SY_ERR_DNS_UPSTREAM', { where: ns.raw, detail: 'connection closed during the TLS handshake' }));
      });
    }).catch((e: unknown) => {
      if (to && isConnectError(e)) this.failedIp = to.ip;
      s?.on('error', () => {});
      s?.destroy();
      raw.destroy();
      throw e instanceof SyError ? e : tlsError(ns, e);
    });
    return new DotConn(sock, ns, this.deps.idleMs ?? 30_000, (c, err) => {
      if (this.live === c) this.live = undefined;
      for (const [, p] of c.pending) p.done(err);
      c.pending.clear();
    });
  }

  /** A TCP stream to the server through `via`, bounded by the handshake timeout. */
  private async dialVia(via: string, ms: number): Promise<net.Socket> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), ms);
    try {
      const dst = await proxiedTarget(this.ns, this.deps);
      return await this.deps.proxy!.tcp(via, dst, ac.signal);
    } catch (e) {
      if (ac.signal.aborted) throw new SyError('SY_ERR_DNS_TIMEOUT', { where: `${this.ns.raw} via ${via}`, detail: `no connection through the proxy within ${ms} ms` });
      throw e instanceof SyError ? e : new SyError('SY_ERR_DNS_PROXY', { where: `${this.ns.raw} via ${via}`, cause: e });
    } finally {
      clearTimeout(timer);
    }
  }
}
