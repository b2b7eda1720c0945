// /connections: a JSON snapshot, or a WebSocket stream of snapshots every
// `?interval=` ms (default 1000; first frame at once); DELETE closes all, DELETE
// /:id closes one (always 204, like mihomo). /connections/closed is ours: the
// bounded history, newest first.
import type { RoutePlugin } from '../http/types.js';
import type { ControllerDeps } from '../deps.js';
import { streamRoute } from '../stream.js';
import { queryInt } from '../validate.js';
import type { RouteContext } from './context.js';

/** Snapshots younger than this are shared between stream clients (serialising 10k connections takes ~50 ms). */
const SHARE_MS = 100;

export function connectionsRoutes(deps: Pick<ControllerDeps, 'connections'>, ctx: RouteContext): RoutePlugin {
  const table = deps.connections;
  let shared = { at: -Infinity, text: '' };
  const snapshotText = (): string => {
    const now = performance.now();
    if (now - shared.at > SHARE_MS) shared = { at: now, text: JSON.stringify(table.snapshot()) };
    return shared.text;
  };
  return (app, _opts, done) => {
    streamRoute(
      app,
      '/connections',
      ctx.streams,
      (sink, req) => {
        let interval = 1000;
        try {
          interval = queryInt(req.query, 'interval', 1000, 100, 60_000);
        } catch {
          /* a bad interval on a stream keeps the default rather than failing the upgrade */
        }
        // The first frame is always fresh (a client that just connected expects the current table).
        sink.send(table.snapshot());
        const timer = setInterval(() => {
          try {
            sink.sendText(snapshotText());
          } catch (err) {
            // A timer callback must never throw (it would take the process down).
            ctx.logger.warn('connections snapshot failed', { err });
            sink.close();
          }
        }, interval);
        timer.unref();
        return () => clearInterval(timer);
      },
      async (req) => {
        queryInt(req.query, 'interval', 1000, 100, 60_000); // validated even when not streaming
        return table.snapshot();
      },
    );
    app.get('/connections/closed', async () => ({ connections: table.closedHistory() }));
    app.delete('/connections', async (_req, reply) => {
      table.killAll();
      return reply.code(204).send();
    });
    app.delete('/connections/:id', async (req, reply) => {
      table.kill((req.params as { id: string }).id);
      return reply.code(204).send();
    });
    done();
  };
}
