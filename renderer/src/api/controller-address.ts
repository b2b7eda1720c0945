// Where the dashboard finds the controller, in order: the URL
// (`?host=&port=&secret=`, also after `#`), the Electron preload bridge
// (`window.switchyard.controller`), what the login form saved, and — when
// served by the core at /ui — the page's own origin. Pure.

export interface ControllerAddress {
  /** http(s)://host:port, no trailing slash */
  baseUrl: string;
  secret: string;
  source: 'url' | 'bridge' | 'saved' | 'same-origin' | 'none';
}

export interface AddressSources {
  /** location.search, e.g. `?secret=x` */
  search: string;
  /** location.hash, e.g. `#/rules?host=..` */
  hash: string;
  /** location.origin ('null' or file:// origin when not served over http) */
  origin: string;
  /** location.protocol */
  protocol: string;
  bridge?: { url?: string; secret?: string } | undefined;
  saved?: { baseUrl: string; secret: string } | null;
}

/** Builds `http://host:port` from a host (IPv6 gets brackets) and a port. */
export function originOf(host: string, port: string | number, scheme = 'http'): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${scheme}://${h}${port === '' ? '' : `:${port}`}`;
}

function params(sources: AddressSources): URLSearchParams {
  const p = new URLSearchParams(sources.search);
  const q = sources.hash.indexOf('?');
  if (q >= 0) for (const [k, v] of new URLSearchParams(sources.hash.slice(q + 1))) if (!p.has(k)) p.set(k, v);
  return p;
}

export function resolveController(s: AddressSources): ControllerAddress {
  const p = params(s);
  const host = p.get('host') ?? p.get('hostname');
  const servedOverHttp = s.protocol === 'http:' || s.protocol === 'https:';
  if (host) {
    const scheme = p.get('https') === 'true' || p.get('scheme') === 'https' ? 'https' : 'http';
    return { baseUrl: originOf(host, p.get('port') ?? '9090', scheme), secret: p.get('secret') ?? '', source: 'url' };
  }
  if (p.has('secret') && servedOverHttp) return { baseUrl: s.origin, secret: p.get('secret') ?? '', source: 'url' };
  if (s.bridge?.url) return { baseUrl: s.bridge.url.replace(/\/+$/, ''), secret: s.bridge.secret ?? '', source: 'bridge' };
  if (s.saved?.baseUrl) return { baseUrl: s.saved.baseUrl, secret: s.saved.secret, source: 'saved' };
  if (servedOverHttp) return { baseUrl: s.origin, secret: '', source: 'same-origin' };
  return { baseUrl: '', secret: '', source: 'none' };
}

/** The WebSocket URL of a stream path with the secret as `token` (browsers cannot set WS headers). */
export function streamUrl(baseUrl: string, path: string, secret: string): string {
  const u = new URL(path, baseUrl.replace(/^http/, 'ws') + '/');
  if (secret) u.searchParams.set('token', secret);
  return u.toString();
}
