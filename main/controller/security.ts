// Controller access control: the Bearer secret (constant-time), `?token=` on
// WebSocket upgrades (browsers cannot set WS headers), and the Host-header
// check against DNS rebinding while bound to loopback. Pure helpers plus the
// onRequest hook that applies them.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Reply, Request } from './http/types.js';
import { SyError } from '../core/errors.js';

/** Constant-time equality of two secrets (compares SHA-256 digests of equal length). */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** Whether a listen host only accepts local connections. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** The Host header values accepted while bound to loopback. */
export function allowedHosts(listenHost: string, port: number): Set<string> {
  const names = ['localhost', '127.0.0.1', '[::1]'];
  const h = listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost;
  if (h) names.push(h.toLowerCase());
  const out = new Set<string>();
  for (const n of names) {
    out.add(`${n}:${port}`);
    if (port === 80) out.add(n);
  }
  return out;
}

export interface GuardOptions {
  secret: string;
  /** null = not on loopback: no Host check. Called per request (the port may be known only after listen). */
  hostAllowList: () => Set<string> | null;
}

function isUpgrade(req: Request): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

function isPreflight(req: Request): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

/** The request's credentials: the Bearer header, or `?token=` on a WebSocket upgrade. */
function presentedSecret(req: Request): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  if (isUpgrade(req)) {
    const token = (req.query as Record<string, unknown> | undefined)?.token;
    if (typeof token === 'string') return token;
  }
  return null;
}

/** onRequest hook: Host check first (also for preflights), then auth (not for CORS preflights). */
export function createGuard(opts: GuardOptions) {
  return async function guard(req: Request, _reply: Reply): Promise<void> {
    const allow = opts.hostAllowList();
    if (allow) {
      const host = String(req.headers.host ?? '').toLowerCase();
      if (!allow.has(host)) throw new SyError('SY_ERR_API_FORBIDDEN_HOST', { value: host, expected: [...allow].join(', ') });
    }
    if (!opts.secret || isPreflight(req)) return;
    const given = presentedSecret(req);
    if (given === null || !secretEquals(given, opts.secret)) throw new SyError('SY_ERR_API_UNAUTHORIZED');
  };
}
