// Reply: what a handler answers, collected first and written by the
// transport (a node ServerResponse, a raw upgrade socket, or inject()).
// Objects are JSON (`application/json; charset=utf-8`), strings text/plain
// unless a type was set; a stream is piped; nothing = empty body.
import { createReadStream, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import type { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { SyError } from '../../core/errors.js';
import type { Reply, ReplyBody } from './types.js';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function mimeOf(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The absolute path of `file` under `root`, or null when it would leave root. */
export function underRoot(root: string, file: string): string | null {
  const base = resolve(root);
  const p = resolve(base, '.' + sep + file);
  return p === base || p.startsWith(base + sep) ? p : null;
}

export class ReplyImpl implements Reply {
  statusCode = 200;
  sent = false;
  body: ReplyBody = null;
  private readonly headers = new Map<string, [string, string | number]>();

  constructor(
    readonly raw: ServerResponse | EventEmitter,
    private readonly onSent: () => void,
  ) {}

  code(status: number): this {
    this.statusCode = status;
    return this;
  }

  header(name: string, value: string | number): this {
    this.headers.set(name.toLowerCase(), [name, value]);
    return this;
  }

  getHeader(name: string): string | number | undefined {
    return this.headers.get(name.toLowerCase())?.[1];
  }

  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }

  type(contentType: string): this {
    return this.header('content-type', contentType);
  }

  /** Headers as written, lower-case names. */
  headerList(): [string, string | number][] {
    return [...this.headers.values()];
  }

  send(payload?: unknown): this {
    if (this.sent) return this;
    if (payload === undefined || payload === null) this.body = null;
    else if (payload instanceof Readable) this.body = payload;
    else if (Buffer.isBuffer(payload)) {
      this.body = payload;
      if (!this.headers.has('content-type')) this.type('application/octet-stream');
    } else if (typeof payload === 'string') {
      this.body = payload;
      if (!this.headers.has('content-type')) this.type('text/plain; charset=utf-8');
    } else {
      this.body = JSON.stringify(payload);
      if (!this.headers.has('content-type')) this.type('application/json; charset=utf-8');
    }
    this.sent = true;
    this.onSent();
    return this;
  }

  redirect(url: string, status = 302): this {
    return this.code(status).header('location', url).send();
  }

  sendFile(file: string, root: string): this {
    const p = underRoot(root, file);
    let size = -1;
    try {
      if (p) {
        const st = statSync(p);
        if (st.isFile()) size = st.size;
      }
    } catch {
      /* missing */
    }
    if (!p || size < 0) throw new SyError('SY_ERR_API_NOT_FOUND', { where: 'static file', value: file });
    if (!this.headers.has('content-type')) this.type(mimeOf(p));
    this.header('content-length', size);
    return this.send(createReadStream(p));
  }
}
