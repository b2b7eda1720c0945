// The renderer at /ui (static files from `uiDir`, index.html for client-side
// routes). Without a built dashboard, /ui answers a tiny page saying so.
// NOTE: like mihomo, /ui needs no Bearer secret (a browser cannot send one for
// page loads, and the files hold no secrets); the Host check still applies.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginCallback } from 'fastify';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>switchyard</title>
<p>The switchyard dashboard is not built. Run <code>npm run build:ui</code>, or point a Clash dashboard (yacd, metacubexd, zashboard) at this controller.</p>`;

export function uiRoutes(uiDir: string | null): FastifyPluginCallback {
  const usable = uiDir !== null && existsSync(join(uiDir, 'index.html'));
  return (app, _opts, done) => {
    app.get('/ui', async (_req, reply) => reply.redirect('/ui/', 302));
    if (!usable) {
      app.get('/ui/*', async (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
      done();
      return;
    }
    app.register(fastifyStatic, { root: uiDir, prefix: '/ui/', wildcard: false, index: ['index.html'] });
    // Client-side routes: anything under /ui/ that is not a file gets index.html.
    app.get('/ui/*', async (_req, reply) => reply.type('text/html; charset=utf-8').sendFile('index.html', uiDir));
    done();
  };
}
