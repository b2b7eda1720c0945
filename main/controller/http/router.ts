// Route table: `METHOD /path/:param/*` patterns. A path matches a pattern
// segment by segment; among several matches the most specific wins, segment
// by segment (static text over `:param` over `*`), so `/providers/proxies/:p/healthcheck`
// beats `/providers/proxies/:p/:name`. `*` (last segment only) takes the rest,
// also the empty rest (`/ui/*` matches `/ui/`). Params are URL-decoded; a
// malformed escape is a coded 400. No trailing-slash folding: `/version/` is 404.
import { SyError } from '../../core/errors.js';

type Seg = { kind: 'static'; text: string } | { kind: 'param'; name: string } | { kind: 'wild' };

export interface Match<T> {
  value: T;
  pattern: string;
  params: Record<string, string>;
}

interface Entry<T> {
  pattern: string;
  segs: Seg[];
  value: T;
}

function compile(pattern: string): Seg[] {
  if (!pattern.startsWith('/')) throw new SyError('SY_ERR_API_BAD_ROUTE', { value: pattern, expected: 'a path starting with /' });
  const parts = pattern.slice(1).split('/');
  return parts.map((p, i): Seg => {
    if (p === '*') {
      if (i !== parts.length - 1) throw new SyError('SY_ERR_API_BAD_ROUTE', { value: pattern, expected: '* only as the last segment' });
      return { kind: 'wild' };
    }
    if (p.startsWith(':')) return { kind: 'param', name: p.slice(1) };
    return { kind: 'static', text: p };
  });
}

function decode(s: string, where: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new SyError('SY_ERR_API_BAD_REQUEST', { where, value: s, expected: 'a valid percent-encoded path segment' });
  }
}

/** Scores of each segment (2 static, 1 param, 0 wildcard), or null when `path` does not match. */
function score(segs: Seg[], parts: string[]): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.kind === 'wild') {
      if (i >= parts.length) return null; // `/ui/*` needs at least `/ui/`
      out.push(0);
      return out;
    }
    const p = parts[i];
    if (p === undefined) return null;
    if (s.kind === 'static') {
      if (p !== s.text) return null;
      out.push(2);
    } else {
      if (p === '') return null;
      out.push(1);
    }
  }
  return parts.length === segs.length ? out : null;
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return a.length > b.length;
}

export class Router<T> {
  private readonly byMethod = new Map<string, Entry<T>[]>();

  add(method: string, pattern: string, value: T): void {
    const list = this.byMethod.get(method) ?? [];
    if (list.some((e) => e.pattern === pattern)) throw new SyError('SY_ERR_API_BAD_ROUTE', { value: `${method} ${pattern}`, expected: 'one handler per method and path' });
    list.push({ pattern, segs: compile(pattern), value });
    this.byMethod.set(method, list);
  }

  find(method: string, path: string): Match<T> | null {
    const list = this.byMethod.get(method);
    if (!list) return null;
    const parts = path.slice(1).split('/');
    let best: { e: Entry<T>; s: number[] } | null = null;
    for (const e of list) {
      const s = score(e.segs, parts);
      if (s && (!best || better(s, best.s))) best = { e, s };
    }
    if (!best) return null;
    const params: Record<string, string> = {};
    best.e.segs.forEach((seg, i) => {
      if (seg.kind === 'param') params[seg.name] = decode(parts[i]!, `path ${path}`);
      else if (seg.kind === 'wild') params['*'] = decode(parts.slice(i).join('/'), `path ${path}`);
    });
    return { value: best.e.value, pattern: best.e.pattern, params };
  }
}
