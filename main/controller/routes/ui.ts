// The renderer at /ui (static files from `uiDir`, index.html for client-side
// routes and for anything under /ui/ that is not a file). Without a built
// dashboard, /ui answers a tiny page saying so.
// NOTE: like mihomo, /ui needs no Bearer secret (a browser cannot send one for
// page loads, and the files hold no secrets); the Host check still applies.
// Hashed build assets (/ui/assets/) are cached for a year; the rest is revalidated.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { underRoot } from '../http/reply.js';
import type { RoutePlugin } from '../http/types.js';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>switchyard</title>
<p>The switchyard dashboard is not built. Run <code>npm run build:ui</code>, or point a Clash dashboard (yacd, metacubexd, zashboard) at this controller.</p>`;

function isFile(p: string | null): p is string {
  try {
    return p !== null && statSync(p).isFile();
  } catch {
    return false;
  }
}

export function uiRoutes(uiDir: string | null): RoutePlugin {
  const usable = uiDir !== null && existsSync(join(uiDir, 'index.html'));
  return (app, _opts, done) => {
    app.get('/ui', async (_req, reply) => reply.redirect('/ui/', 302));
    if (!usable) {
      app.get('/ui/*', async (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
      done();
      return;
    }
    app.get('/ui/*', async (req, reply) => {
      const rel = req.params['*'] ?? '';
      const file = rel === '' ? null : underRoot(uiDir, rel);
      if (isFile(file)) {
        reply.header('cache-control', rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
        return reply.sendFile(rel, uiDir);
      }
      // The index, a client-side route, or a file that is not there.
      reply.header('cache-control', 'no-cache');
      return reply.type('text/html; charset=utf-8').sendFile('index.html', uiDir);
    });
    done();
  };
}
