// HttpApp: the controller's request pipeline on node:http, without a framework.
//   onRequest hooks (Host check, CORS, auth; they may answer, e.g. preflights)
//   -> route lookup (404 when none) -> body (JSON, size-limited)
//   -> preValidation hooks -> handler -> reply written by the transport.
// Any throw goes to the error handler, which answers. WebSocket upgrades run
// the same steps up to preValidation, then hand the socket to `ws` (loaded on
// the first upgrade: a core nobody streams from does not hold it).
// inject() runs the pipeline in-process without a socket (route tests).
import { EventEmitter } from 'node:events';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { SyError } from '../../core/errors.js';
import { ReplyImpl } from './reply.js';
import { Router } from './router.js';
import type { App, Handler, Hook, InjectOptions, InjectResult, Method, Request, RouteOptions, RouteSpec, WsHandler } from './types.js';

interface Route {
  handler: Handler;
  wsHandler?: WsHandler;
  bodyLimit: number;
}

export interface HttpAppOptions {
  /** Largest body in bytes unless a route says otherwise. */
  bodyLimit: number;
  /** WebSocket frames larger than this close the socket. */
  wsMaxPayload: number;
  /** Answers a thrown error (must send). */
  onError(err: unknown, req: Request, reply: ReplyImpl): void;
}

const NO_BODY = new Set(['GET', 'HEAD']);

function parseQuery(url: string): Record<string, string | string[]> {
  const q = url.indexOf('?');
  const out: Record<string, string | string[]> = Object.create(null);
  if (q < 0) return out;
  for (const [k, v] of new URLSearchParams(url.slice(q + 1))) {
    const had = out[k];
    out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

function makeRequest(method: string, url: string, headers: IncomingMessage['headers'], raw: IncomingMessage | EventEmitter): Request {
  const q = url.indexOf('?');
  return { method, url, path: q < 0 ? url : url.slice(0, q), headers, query: parseQuery(url), params: {}, body: undefined, routeOptions: { url: '' }, raw };
}

/** Reads a body up to `limit` bytes (413 beyond) and parses it as JSON (any content type; empty = undefined). */
async function readJson(source: AsyncIterable<Buffer | string> | Buffer | string, limit: number, declared: string | undefined): Promise<unknown> {
  if (declared !== undefined && Number(declared) > limit) throw new SyError('SY_ERR_API_TOO_LARGE', { value: Number(declared), expected: `at most ${limit} bytes` });
  let buf: Buffer;
  if (typeof source === 'string' || Buffer.isBuffer(source)) buf = Buffer.from(source);
  else {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of source) {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      n += b.length;
      if (n > limit) throw new SyError('SY_ERR_API_TOO_LARGE', { value: `more than ${limit} bytes`, expected: `at most ${limit} bytes` });
      chunks.push(b);
    }
    buf = Buffer.concat(chunks);
  }
  if (buf.length > limit) throw new SyError('SY_ERR_API_TOO_LARGE', { value: buf.length, expected: `at most ${limit} bytes` });
  const text = buf.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SyError('SY_ERR_API_BAD_REQUEST', { detail: 'not JSON', cause: err });
  }
}

export class HttpApp implements App {
  private readonly router = new Router<Route>();
  private readonly onRequest: Hook[] = [];
  private readonly preValidation: Hook[] = [];
  private wss: WebSocketServer | null = null;

  constructor(private readonly opts: HttpAppOptions) {}

  // --- registration (the App interface route files use) ---
  route(spec: RouteSpec): void {
    const r: Route = { handler: spec.handler, bodyLimit: spec.bodyLimit ?? this.opts.bodyLimit, ...(spec.wsHandler ? { wsHandler: spec.wsHandler } : {}) };
    this.router.add(spec.method, spec.url, r);
    // Like fastify: every GET answers HEAD too.
    if (spec.method === 'GET') this.router.add('HEAD', spec.url, r);
  }
  private add(method: Method, url: string, a: RouteOptions | Handler, b?: Handler): void {
    const handler = typeof a === 'function' ? a : b!;
    const opts = typeof a === 'function' ? {} : a;
    this.route({ ...opts, method, url, handler });
  }
  get(url: string, a: RouteOptions | Handler, b?: Handler): void {
    this.add('GET', url, a, b);
  }
  post(url: string, a: RouteOptions | Handler, b?: Handler): void {
    this.add('POST', url, a, b);
  }
  put(url: string, a: RouteOptions | Handler, b?: Handler): void {
    this.add('PUT', url, a, b);
  }
  patch(url: string, a: RouteOptions | Handler, b?: Handler): void {
    this.add('PATCH', url, a, b);
  }
  delete(url: string, a: RouteOptions | Handler, b?: Handler): void {
    this.add('DELETE', url, a, b);
  }
  addHook(name: 'preValidation' | 'onRequest', hook: Hook): void {
    (name === 'onRequest' ? this.onRequest : this.preValidation).push(hook);
  }

  // --- the pipeline ---
  /** Runs hooks and routing; returns the route to call, or null when a hook already answered. */
  private async prepare(req: Request, reply: ReplyImpl, body: () => AsyncIterable<Buffer | string> | Buffer | string): Promise<Route | null> {
    for (const h of this.onRequest) {
      await h(req, reply);
      if (reply.sent) return null;
    }
    const m = this.router.find(req.method, req.path);
    if (!m) {
      // mihomo's exact body for unknown routes.
      reply.code(404).send({ message: 'Resource not found', code: 'SY_ERR_API_NOT_FOUND' });
      return null;
    }
    req.params = m.params;
    req.routeOptions = { url: m.pattern };
    if (!NO_BODY.has(req.method)) req.body = await readJson(body(), m.value.bodyLimit, req.headers['content-length'] as string | undefined);
    for (const h of this.preValidation) {
      await h(req, reply);
      if (reply.sent) return null;
    }
    return m.value;
  }

  private async run(req: Request, reply: ReplyImpl, body: () => AsyncIterable<Buffer | string> | Buffer | string): Promise<void> {
    try {
      const route = await this.prepare(req, reply, body);
      if (!route) return;
      const out = await route.handler(req, reply);
      if (!reply.sent) reply.send(out);
    } catch (err) {
      if (reply.sent) return;
      reply.body = null;
      this.opts.onError(err, req, reply);
      if (!reply.sent) reply.code(500).send({ message: 'Internal error' });
    }
  }

  /** The node 'request' listener. */
  handle = (raw: IncomingMessage, res: ServerResponse): void => {
    const req = makeRequest(raw.method ?? 'GET', raw.url ?? '/', raw.headers, raw);
    const reply = new ReplyImpl(res, () => {});
    void this.run(req, reply, () => raw).then(() => {
      for (const [name, value] of reply.headerList()) res.setHeader(name, value);
      res.statusCode = reply.statusCode;
      const body = reply.body;
      if (!raw.complete && !NO_BODY.has(req.method)) {
        // An unread or refused body (e.g. 413): do not keep the connection for the rest of it.
        res.setHeader('connection', 'close');
        res.once('finish', () => raw.socket?.destroy());
      }
      if (body instanceof Readable) {
        if (req.method === 'HEAD') {
          body.destroy();
          res.end();
          return;
        }
        body.on('error', () => res.destroy());
        body.pipe(res);
        return;
      }
      if (body !== null && !res.hasHeader('content-length')) res.setHeader('content-length', Buffer.byteLength(body));
      res.end(req.method === 'HEAD' ? undefined : (body ?? undefined));
    });
  };

  /** The node 'upgrade' listener: WebSocket routes only; anything refused is answered as plain HTTP and closed. */
  handleUpgrade = (raw: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const req = makeRequest(raw.method ?? 'GET', raw.url ?? '/', raw.headers, raw);
    const reply = new ReplyImpl(new EventEmitter(), () => {});
    socket.on('error', () => socket.destroy());
    void (async () => {
      let route: Route | null = null;
      try {
        route = await this.prepare(req, reply, () => '');
      } catch (err) {
        reply.body = null;
        this.opts.onError(err, req, reply);
      }
      if (!reply.sent && route && !route.wsHandler) {
        reply.code(404).send({ message: 'Resource not found', code: 'SY_ERR_API_NOT_FOUND' });
      }
      if (reply.sent || !route?.wsHandler) return writeRaw(socket, reply);
      const wss = await this.websockets();
      wss.handleUpgrade(raw, socket, head, (ws) => route!.wsHandler!(ws, req));
    })().catch(() => socket.destroy());
  };

  private async websockets(): Promise<WebSocketServer> {
    if (!this.wss) {
      const { WebSocketServer } = await import('ws');
      this.wss ??= new WebSocketServer({ noServer: true, maxPayload: this.opts.wsMaxPayload });
    }
    return this.wss;
  }

  /** In-process request (no socket): the answer as fastify's inject() gives it. Stream bodies are read to their end. */
  async inject(o: InjectOptions): Promise<InjectResult> {
    const headers: IncomingMessage['headers'] = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) headers[k.toLowerCase()] = v;
    if (o.payload !== undefined) headers['content-length'] = String(Buffer.byteLength(o.payload));
    const req = makeRequest((o.method ?? 'GET').toUpperCase(), o.url, headers, new EventEmitter());
    const reply = new ReplyImpl(new EventEmitter(), () => {});
    await this.run(req, reply, () => o.payload ?? '');
    let body = '';
    if (reply.body instanceof Readable) {
      const chunks: Buffer[] = [];
      for await (const c of reply.body) chunks.push(Buffer.from(c));
      body = Buffer.concat(chunks).toString('utf8');
    } else if (reply.body !== null) body = reply.body.toString();
    const out: Record<string, string | number> = {};
    for (const [name, value] of reply.headerList()) out[name.toLowerCase()] = value;
    if (req.method === 'HEAD') body = '';
    return { statusCode: reply.statusCode, headers: out, body, json: () => JSON.parse(body) };
  }
}

/** Writes a collected reply to a socket that was never handed to node's HTTP response, then closes it. */
function writeRaw(socket: Duplex, reply: ReplyImpl): void {
  const body = typeof reply.body === 'string' || Buffer.isBuffer(reply.body) ? Buffer.from(reply.body) : Buffer.alloc(0);
  reply.body instanceof Readable && reply.body.destroy();
  const lines = [`HTTP/1.1 ${reply.statusCode} ${STATUS_CODES[reply.statusCode] ?? ''}`];
  for (const [name, value] of reply.headerList()) if (name.toLowerCase() !== 'connection' && name.toLowerCase() !== 'content-length') lines.push(`${name}: ${value}`);
  lines.push(`content-length: ${body.length}`, 'connection: close', '', '');
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n')), body]));
}
