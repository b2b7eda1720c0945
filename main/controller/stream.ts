// One stream endpoint, two transports: a WebSocket when the request carries
// `Upgrade: websocket`, otherwise chunked HTTP with one JSON object per line.
// Frames are dropped (never queued without bound) while a slow client has more
// than MAX_BUFFERED bytes pending. Every open stream is closed on controller close.
import { PassThrough } from 'node:stream';
import type { App, Reply, Request } from './http/types.js';
import type { WebSocket } from 'ws';

const MAX_BUFFERED = 1 << 20;

export interface StreamSink {
  /** Sends one frame (JSON-encoded); dropped when the client is too slow. */
  send(frame: unknown): void;
  /** Sends a frame already serialised as JSON text (shared between clients). */
  sendText(json: string): void;
  /** Ends the stream from the server side. */
  close(): void;
}

/** Starts producing frames into `sink`; returns the cleanup run when the stream ends. */
export type StreamOpener = (sink: StreamSink, req: Request) => () => void;

/** Tracks open streams so close() can end them all. */
export interface StreamRegistry {
  add(close: () => void): () => void;
  closeAll(): void;
}

export function createStreamRegistry(): StreamRegistry {
  const open = new Set<() => void>();
  return {
    add(close) {
      open.add(close);
      return () => open.delete(close);
    },
    closeAll() {
      for (const c of [...open]) c();
      open.clear();
    },
  };
}

/** The WebSocket side of a stream. */
export function openWebSocketStream(socket: WebSocket, req: Request, registry: StreamRegistry, opener: StreamOpener): void {
  let done = false;
  let cleanup: () => void = () => {};
  let unregister: () => void = () => {};
  const end = () => {
    if (done) return;
    done = true;
    unregister();
    cleanup();
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(1000);
  };
  const sink: StreamSink = {
    send(frame) {
      sink.sendText(JSON.stringify(frame));
    },
    sendText(json) {
      if (done || socket.readyState !== socket.OPEN || socket.bufferedAmount > MAX_BUFFERED) return;
      socket.send(json);
    },
    close: end,
  };
  socket.on('close', end);
  socket.on('error', end);
  socket.on('message', () => {}); // clients may ping with text; ignored
  unregister = registry.add(end);
  cleanup = opener(sink, req);
  if (done) cleanup();
}

/** The chunked NDJSON side of a stream. */
export function openNdjsonStream(req: Request, reply: Reply, registry: StreamRegistry, opener: StreamOpener): Reply {
  const out = new PassThrough();
  let done = false;
  let cleanup: () => void = () => {};
  const end = () => {
    if (done) return;
    done = true;
    unregister();
    cleanup();
    out.end();
  };
  const unregister = registry.add(end);
  const sink: StreamSink = {
    send(frame) {
      sink.sendText(JSON.stringify(frame));
    },
    sendText(json) {
      if (done || out.writableLength > MAX_BUFFERED) return;
      out.write(json + '\n');
    },
    close: end,
  };
  req.raw.on('close', end);
  reply.raw.on('close', end);
  cleanup = opener(sink, req);
  reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-cache');
  return reply.send(out);
}

/** Registers GET `url` as a stream: WebSocket on upgrade, else NDJSON (or `httpHandler` when given). */
export function streamRoute(
  app: App,
  url: string,
  registry: StreamRegistry,
  opener: StreamOpener,
  httpHandler?: (req: Request, reply: Reply) => unknown,
): void {
  app.route({
    method: 'GET',
    url,
    handler: httpHandler ?? ((req, reply) => openNdjsonStream(req, reply, registry, opener)),
    wsHandler: (socket, req) => openWebSocketStream(socket, req, registry, opener),
  });
}
