// createController: the Clash/mihomo-compatible controller on
// `external-controller`. Lifecycle: createController() validates options and
// builds the fastify app (usable with inject() at once) -> start() listens ->
// close() ends every stream and the server (idempotent).
//
// Request order: Host check (DNS rebinding, loopback only) -> CORS (answers
// preflights, incl. Private Network Access) -> Bearer/`?token=` auth -> route.
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCors from '@fastify/cors';
import fastifyWebsocket from '@fastify/websocket';
import { SyError } from '../core/errors.js';
import { parseHostPort } from '../core/address.js';
import type { Logger } from '../core/logger.js';
import type { ControllerDeps } from './deps.js';
import { toHttpError } from './http-errors.js';
import { allowedHosts, createGuard, isLoopbackHost } from './security.js';
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
  /** The fastify instance, for inject() in tests. */
  readonly app: FastifyInstance;
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

  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, forceCloseConnections: true });
  // Any content type is parsed as JSON (some clients send text/plain); empty bodies are undefined.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new SyError('SY_ERR_API_BAD_REQUEST', { detail: 'not JSON', cause: err }), undefined);
    }
  });
  app.setErrorHandler((err, req, reply) => {
    const e = toHttpError(err);
    if (e.internal) log.error('controller route failed', { err });
    // A refused upgrade must not leave a half-upgraded socket behind.
    if (req.headers.upgrade) reply.header('connection', 'close');
    return reply.code(e.status).send(e.body);
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ message: 'Resource not found', code: 'SY_ERR_API_NOT_FOUND' }));

  const guard = createGuard({ secret: opts.secret, hostAllowList: () => (loopback ? hosts : null) });
  app.addHook('onRequest', async (req, reply) => {
    // Host check before CORS: a rebinding page must not even get a preflight answer.
    const url = req.url;
    const pna = req.headers['access-control-request-private-network'] === 'true';
    if (pna && opts.cors.allowPrivateNetwork) reply.header('Access-Control-Allow-Private-Network', 'true');
    if (url === '/ui' || url.startsWith('/ui/')) return guard(req, reply).catch((err) => {
      // /ui needs no secret, only the Host check.
      if ((err as SyError).code !== 'SY_ERR_API_UNAUTHORIZED') throw err;
    });
    return guard(req, reply);
  });

  const origins = opts.cors.allowOrigins;
  app.register(fastifyCors, {
    origin: origins.length === 0 || origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization'],
    maxAge: 600,
  });
  app.register(fastifyWebsocket, { options: { maxPayload: 1 << 16 } });
  app.register(async (scope) => {
    const ctx = { streams, logger: log };
    scope.register(basicRoutes(deps));
    scope.register(configsRoutes(deps));
    scope.register(configEditRoutes(deps));
    scope.register(proxiesRoutes(deps));
    scope.register(rulesRoutes(deps));
    scope.register(connectionsRoutes(deps, ctx));
    scope.register(streamsRoutes(deps, ctx));
    scope.register(dnsRoutes(deps));
    scope.register(matchRoutes(deps));
    scope.register(storageRoutes(deps));
    scope.register(profilesRoutes(deps));
    scope.register(uiRoutes(opts.uiDir));
  });
  app.addHook('preClose', async () => streams.closeAll());

  // Every accepted socket, so close() can destroy stragglers (e.g. upgrade
  // sockets a client keeps open) after a grace period instead of hanging.
  const sockets = new Set<Socket>();
  app.server.on('connection', (s: Socket) => {
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
      await app.listen({ host, port: listen.port });
      const a = app.server.address();
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
        closed = app.close().then(() => clearTimeout(grace));
      }
      return closed;
    },
  };
}
