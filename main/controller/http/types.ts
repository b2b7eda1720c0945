// The controller's own small HTTP layer (replaces fastify: ~15 MB less idle
// RSS, docs/benchmarks.md). The shapes route files use: a route plugin
// registers handlers on an App; a handler gets a Request and a Reply and
// returns the body (an object is sent as JSON) or sends through the Reply.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { WebSocket } from 'ws';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface Request {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  /** The path without the query. */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** Query parameters: a string, or a list when repeated. */
  readonly query: Record<string, string | string[]>;
  /** Route parameters, URL-decoded. */
  params: Record<string, string>;
  /** The parsed JSON body; undefined when empty. */
  body: unknown;
  /** The matched route's pattern (e.g. `/proxies/:name`), '' before routing. */
  routeOptions: { url: string };
  /** The node request (an EventEmitter without a socket under inject()). */
  readonly raw: IncomingMessage | EventEmitter;
}

export interface Reply {
  code(status: number): Reply;
  header(name: string, value: string | number): Reply;
  getHeader(name: string): string | number | undefined;
  type(contentType: string): Reply;
  /** Sends an object (as JSON), a string, a Buffer, a stream, or nothing. */
  send(payload?: unknown): Reply;
  redirect(url: string, status?: number): Reply;
  /** Sends `file` from `root` (stays under root). */
  sendFile(file: string, root: string): Reply;
  readonly sent: boolean;
  readonly statusCode: number;
  /** The node response (an EventEmitter under inject()). */
  readonly raw: ServerResponse | EventEmitter;
}

export type Handler = (req: Request, reply: Reply) => unknown;
export type WsHandler = (socket: WebSocket, req: Request) => void;
export type Hook = (req: Request, reply: Reply) => Promise<void> | void;

export interface RouteOptions {
  /** Largest accepted body in bytes (default: the app's). */
  bodyLimit?: number;
}

export interface RouteSpec extends RouteOptions {
  method: Method;
  url: string;
  handler: Handler;
  /** Called instead of `handler` for a WebSocket upgrade. */
  wsHandler?: WsHandler;
}

/** What route plugins register on. */
export interface App {
  get(url: string, handler: Handler): void;
  get(url: string, opts: RouteOptions, handler: Handler): void;
  post(url: string, handler: Handler): void;
  post(url: string, opts: RouteOptions, handler: Handler): void;
  put(url: string, handler: Handler): void;
  put(url: string, opts: RouteOptions, handler: Handler): void;
  patch(url: string, handler: Handler): void;
  patch(url: string, opts: RouteOptions, handler: Handler): void;
  delete(url: string, handler: Handler): void;
  delete(url: string, opts: RouteOptions, handler: Handler): void;
  route(spec: RouteSpec): void;
  /** Runs after routing and body parsing, before the handler (and before a WebSocket upgrade is accepted). */
  addHook(name: 'preValidation', hook: Hook): void;
}

/** A route file's export: registers its routes, then calls done(). */
export type RoutePlugin = (app: App, opts: unknown, done: () => void) => void;

/** Body of a finished reply, for the transport to write. */
export type ReplyBody = string | Buffer | Readable | null;

export interface InjectOptions {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

export interface InjectResult {
  statusCode: number;
  headers: Record<string, string | number>;
  body: string;
  json(): unknown;
}
