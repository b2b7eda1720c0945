// createController: the Clash/mihomo-compatible controller on
// `external-controller`. Lifecycle: createController() validates options and
// builds the app (usable with inject() at once) -> start() listens ->
// close() ends every stream and the server (idempotent).
//
// Request order: Host check (DNS rebinding, loopback only) and Bearer/`?token=`
// auth (not for CORS preflights, not for /ui) -> CORS (answers preflights,
// incl. Private Network Access) -> route. The HTTP layer is our own
// (http/app.ts on node:http; `ws` loaded on the first WebSocket): fastify
// and its plugins held ~15 MB of the idle core's RSS.
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { SyError } from '../core/errors.js';
import { parseHostPort } from '../core/address.js';
import type { Logger } from '../core/logger.js';
import type { ControllerDeps } from './deps.js';
import { toHttpError } from './http-errors.js';
import { allowedHosts, createGuard, isLoopbackHost } from './security.js';
import { HttpApp } from './http/app.js';
import type { Reply, Request, RoutePlugin } from './http/types.js';
import { createStreamRegistry } from './stream.js';
import { basicRoutes } from './routes/basic.js';
import { configsRoutes } from './routes/configs.js';
import { configEditRoutes } from './routes/config-edit.js';
import { connectionsRoutes } from './routes/connections.js';
import { dnsRoutes } from './routes/dns.js';
import { matchRoutes } from './routes/match.js';
import { profilesRoutes } from './routes/profiles.js';
import { proxiesRoutes } from './routes/proxies.js';
import { rulesRoutes } from './routes/rules.js';
import { storageRoutes } from './routes/storage.js';
import { streamsRoutes } from './routes/streams.js';
import { uiRoutes } from './routes/ui.js';

export interface ControllerOptions {
  /** `host:port` (`external-controller`); port 0 lets the OS choose. */
  listen: string;
  secret: string;
  cors: { allowOrigins: readonly string[]; allowPrivateNetwork: boolean };
  /** Directory of the built renderer, or null. */
  uiDir: string | null;
  logger: Logger;
}

export interface Controller {
  start(): Promise<void>;
  close(): Promise<void>;
  /** The bound address (the configured one before start()). */
  address(): { host: string; port: number };
  /** The request pipeline; `app.inject()` answers a request in-process (tests). */
  readonly app: Pick<HttpApp, 'inject'>;
}

/** Bodies up to 16 MB (a reloaded config's YAML); /storage has its own 1 MB limit. */
const BODY_LIMIT = 16 << 20;
/** How long close() lets clients finish before destroying their sockets. */
const CLOSE_GRACE_MS = 1000;

export function createController(deps: ControllerDeps, opts: ControllerOptions): Controller {
  const listen = parseHostPort(opts.listen);
  if (!listen) throw new SyError('SY_ERR_API_BAD_LISTEN', { value: opts.listen, expected: 'host:port, e.g. 127.0.0.1:9090' });
  const host = listen.host || '0.0.0.0';
  const loopback = isLoopbackHost(host);
  if (!loopback && !opts.secret) throw new SyError('SY_ERR_API_INSECURE_LISTEN', { value: opts.listen, expected: 'a secret, or a loopback address' });

  const log = opts.logger.child({ area: 'controller' });
  const streams = createStreamRegistry();
  let bound: { host: string; port: number } = { host, port: listen.port };
  let hosts = allowedHosts(host, bound.port);

  const app = new HttpApp({
    bodyLimit: BODY_LIMIT,
    wsMaxPayload: 1 << 16,
    onError(err, req, reply) {
      const e = toHttpError(err);
      if (e.internal) log.error('controller route failed', { err });
      // A refused upgrade must not leave a half-upgraded socket behind.
      if (req.headers.upgrade) reply.header('connection', 'close');
      reply.code(e.status).send(e.body);
    },
  });

  const guard = createGuard({ secret: opts.secret, hostAllowList: () => (loopback ? hosts : null) });
  app.addHook('onRequest', async (req, reply) => {
    // Host check before CORS: a rebinding page must not even get a preflight answer.
    const pna = req.headers['access-control-request-private-network'] === 'true';
    if (pna && opts.cors.allowPrivateNetwork) reply.header('Access-Control-Allow-Private-Network', 'true');
    if (req.path === '/ui' || req.path.startsWith('/ui/')) {
      // /ui needs no secret, only the Host check.
      await guard(req, reply).catch((err) => {
        if ((err as SyError).code !== 'SY_ERR_API_UNAUTHORIZED') throw err;
      });
    } else await guard(req, reply);
  });
  app.addHook('onRequest', corsHook(opts.cors.allowOrigins));

  const ctx = { streams, logger: log };
  const plugins: RoutePlugin[] = [
    basicRoutes(deps),
    configsRoutes(deps),
    configEditRoutes(deps),
    proxiesRoutes(deps),
    rulesRoutes(deps),
    connectionsRoutes(deps, ctx),
    streamsRoutes(deps, ctx),
    dnsRoutes(deps),
    matchRoutes(deps),
    storageRoutes(deps),
    profilesRoutes(deps),
    uiRoutes(opts.uiDir),
  ];
  for (const p of plugins) p(app, {}, () => {});

  const server: Server = createServer({ keepAliveTimeout: 72_000 }, app.handle);
  server.on('upgrade', app.handleUpgrade);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  // Every accepted socket, so close() can destroy stragglers (e.g. upgrade
  // sockets a client keeps open) after a grace period instead of hanging.
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });

  let started = false;
  let closed: Promise<void> | null = null;
  return {
    app,
    address: () => ({ ...bound }),
    async start() {
      if (started) return;
      started = true;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: host.replace(/^\[|\]$/g, ''), port: listen.port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const a = server.address();
      if (a && typeof a === 'object') bound = { host, port: a.port };
      hosts = allowedHosts(host, bound.port);
      log.info('controller listening', { address: `${host}:${bound.port}`, auth: opts.secret ? 'secret' : 'none' });
    },
    close() {
      if (!closed) {
        const grace = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, CLOSE_GRACE_MS);
        grace.unref();
        streams.closeAll();
        // Keep-alive connections become idle as their last response (e.g. an
        // ended NDJSON stream) finishes: close them as they do, so close()
        // takes milliseconds, not the whole grace period.
        const sweep = setInterval(() => server.closeIdleConnections(), 20);
        sweep.unref();
        closed = new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          server.closeIdleConnections();
        }).then(() => {
          clearTimeout(grace);
          clearInterval(sweep);
        });
      }
      return closed;
    },
  };
}

/** CORS: `*` (any origin) unless a list is configured, then only listed origins are echoed; preflights are answered here. */
function corsHook(origins: readonly string[]) {
  const any = origins.length === 0 || origins.includes('*');
  return async (req: Request, reply: Reply): Promise<void> => {
    if (any) reply.header('Access-Control-Allow-Origin', '*');
    else {
      reply.header('Vary', 'Origin');
      const origin = req.headers.origin;
      if (typeof origin === 'string' && origins.includes(origin)) reply.header('Access-Control-Allow-Origin', origin);
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      reply.header('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      reply.header('Access-Control-Allow-Headers', 'Content-Type, Authorization');
      reply.header('Access-Control-Max-Age', '600');
      reply.code(204).send();
    }
  };
}
