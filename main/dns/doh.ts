// DNS over HTTPS (RFC 8484): POST application/dns-message over HTTP/1.1 with
// keep-alive, at most 4 connections per server (node:https with an Agent
// whose connections are TCP sockets from the injected factory (SO_MARK),
// connected to the bootstrap-resolved address and wrapped with
// tls.connect({ socket, servername })). Certificates are
// verified against the URL's host unless `#skip-cert-verify=true`; `http://`
// servers are plain HTTP. The query id is 0 (RFC 8484 §4.1); the answer must
// be a 200 with content type application/dns-message, at most 65535 bytes,
// answering our question. A request on a reused keep-alive connection that
// the server had closed is retried once.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import dnsPacket from 'dns-packet';
import { SyError } from '../core/errors.js';
import { buildQuery, guard, matches, type Question, type Target } from './exchange.js';
import type { Nameserver } from './nameserver.js';
import { isConnectError, proxiedTarget, targetOf, tlsError, viaOf, type Upstream, type UpstreamDeps } from './target.js';

const MAX_BODY = 65535;
const CONTENT_TYPE = 'application/dns-message';

export class DohClient implements Upstream {
  private readonly agent: http.Agent;
  private readonly secure: boolean;
  /** The address of the last lookup (set before every request). */
  private target: Target | undefined;
  /** The address whose connection last failed: the next lookup prefers another. */
  private failedIp: string | undefined;

  constructor(
    readonly ns: Nameserver,
    private readonly deps: UpstreamDeps,
  ) {
    this.secure = ns.proto === 'https';
    const opts: http.AgentOptions = { keepAlive: true, maxSockets: 4, timeout: deps.idleMs ?? 30_000 };
    this.agent = this.secure ? new https.Agent(opts) : new http.Agent(opts);
    // The agent asks us for each new connection. The answer must be
    // synchronous: the agent counts a socket toward maxSockets only once it
    // exists, so async creation would open one connection per concurrent
    // request. The address is therefore looked up before each request.
    (this.agent as unknown as { createConnection: (o: unknown) => Duplex }).createConnection = () => this.dial(this.target!);
    // Through an outbound (#PROXY, respect-rules) the stream comes later: the
    // agent's callback form (it then counts the socket only once it exists).
    const via = viaOf(deps);
    if (via) {
      (this.agent as unknown as { createConnection: (o: unknown, cb: (e: Error | null, s?: Duplex) => void) => undefined }).createConnection = (_o, cb) => {
        this.dialVia(via).then((s) => cb(null, s), (e: Error) => cb(e));
        return undefined;
      };
    }
  }

  exchange(q: Question, timeoutMs: number, signal?: AbortSignal): Promise<dnsPacket.DecodedPacket> {
    const ns = this.ns;
    const where = `${ns.raw} ${q.name} ${q.type}`;
    const body = buildQuery(q, 0, ns.ecs);
    return guard<dnsPacket.DecodedPacket>(ns, q, timeoutMs, signal, (done) => {
      let req: http.ClientRequest | undefined;
      let over = false;
      const send = (mayRetry: boolean) => {
        const r = (this.secure ? https : http).request({
          agent: this.agent,
          host: ns.host,
          port: ns.port,
          path: ns.path,
          method: 'POST',
          headers: { 'content-type': CONTENT_TYPE, accept: CONTENT_TYPE, 'content-length': body.length },
        });
        req = r;
        r.on('error', (e) => {
          if (mayRetry && r.reusedSocket && (e as { code?: string }).code === 'ECONNRESET') return send(false);
          if (isConnectError(e) && this.target) this.failedIp = this.target.ip;
          done(e instanceof SyError ? e : tlsError(ns, e));
        });
        r.on('response', (res) => {
          const type = String(res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
          if (res.statusCode !== 200 || type !== CONTENT_TYPE) {
            res.resume();
            return done(new SyError('SY_ERR_DNS_UPSTREAM', { where, detail: `HTTP ${res.statusCode ?? '?'} ${type || '(no content type)'}`, expected: `200 ${CONTENT_TYPE}` }));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY) {
              done(new SyError('SY_ERR_DNS_UPSTREAM', { where, detail: `answer larger than ${MAX_BODY} bytes` }));
              r.destroy();
            } else chunks.push(c);
          });
          res.on('error', (e) => done(new SyError('SY_ERR_DNS_UPSTREAM', { where, cause: e })));
          res.on('end', () => {
            let p: dnsPacket.DecodedPacket;
            try {
              p = dnsPacket.decode(Buffer.concat(chunks));
            } catch {
              return done(new SyError('SY_ERR_DNS_UPSTREAM', { where, detail: 'malformed DNS message in the HTTP body' }));
            }
            if (!matches(p, 0, q)) return done(new SyError('SY_ERR_DNS_UPSTREAM', { where, detail: 'the answer is not for our question' }));
            done(null, p);
          });
        });
        r.end(body);
      };
      (viaOf(this.deps) ? Promise.resolve(undefined) : targetOf(ns, this.deps, this.failedIp)).then(
        (to) => {
          if (over) return;
          if (to) this.target = to;
          send(true);
        },
        (e: unknown) => done(e instanceof SyError ? e : new SyError('SY_ERR_DNS_BOOTSTRAP', { where: ns.raw, cause: e })),
      );
      return () => {
        over = true;
        req?.destroy();
      };
    });
  }

  close(): void {
    this.agent.destroy();
  }

  /** A connecting socket (TLS for https://) for the agent. */
  private dial(to: Target): Duplex {
    const ns = this.ns;
    const raw = this.deps.sockets.tcp(to.family);
    raw.connect(ns.port, to.ip);
    return this.secure ? this.wrapTls(raw) : raw;
  }

  /** TLS to the nameserver over `raw` (its name checked unless skip-cert-verify). */
  private wrapTls(raw: Duplex): Duplex {
    const ns = this.ns;
    const s = tls.connect({
      socket: raw,
      host: ns.host,
      servername: net.isIP(ns.host) ? undefined : ns.host,
      rejectUnauthorized: !ns.skipCertVerify,
      ca: this.deps.tls?.ca as tls.ConnectionOptions['ca'],
      ALPNProtocols: ['http/1.1'],
    });
    raw.on('error', (e) => s.destroy(e));
    return s;
  }

  /** A stream to the server through `via` (TLS for https://). */
  private async dialVia(via: string): Promise<Duplex> {
    const ns = this.ns;
    const raw = await this.deps.proxy!.tcp(via, await proxiedTarget(ns, this.deps));
    if (!this.secure) {
      // Outbounds hand their socket over paused (their handshake was read from it).
      setImmediate(() => raw.isPaused() && raw.resume());
      return raw;
    }
    return this.wrapTls(raw);
  }
}
