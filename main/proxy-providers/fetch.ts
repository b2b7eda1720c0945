// Download a proxy provider's content through an outbound (the provider's
// `proxy`, DIRECT by default) with the shared GET (fetch/http-get.ts):
// deadline, bounded redirects, a size limit that rejects, ETag → 304.
import type { Outbound } from '../core/outbound.js';
import { httpGet, dialVia } from '../fetch/http-get.js';

export const DEFAULT_FETCH_TIMEOUT_MS = 20_000;
/** Used when size-limit is 0: far above any real subscription, small enough to be safe. */
export const DEFAULT_SIZE_LIMIT = 32 * 1024 * 1024;

export interface FetchOptions {
  timeoutMs: number;
  /** bytes; content beyond it fails with SY_ERR_PROXY_PROVIDER_TOO_LARGE */
  sizeLimit: number;
  headers: Readonly<Record<string, readonly string[]>>;
  /** ETag of the last good copy: a 304 answer means "unchanged". */
  etag?: string;
  where: string;
}

export type FetchResult =
  | { readonly notModified: true }
  | { readonly notModified: false; readonly body: string; readonly etag: string; readonly userinfo: string };

/** Rejects with SY_ERR_PROXY_PROVIDER_{TIMEOUT,TOO_LARGE,HTTP_STATUS,FETCH}. */
export async function fetchThrough(ob: Outbound, url: string, opts: FetchOptions): Promise<FetchResult> {
  const r = await httpGet(dialVia(ob, 'proxy-provider'), url, {
    timeoutMs: opts.timeoutMs,
    sizeLimit: opts.sizeLimit,
    headers: opts.headers,
    ...(opts.etag ? { etag: opts.etag } : {}),
    where: opts.where,
    codes: {
      fetch: 'SY_ERR_PROXY_PROVIDER_FETCH',
      timeout: 'SY_ERR_PROXY_PROVIDER_TIMEOUT',
      status: 'SY_ERR_PROXY_PROVIDER_HTTP_STATUS',
      tooLarge: 'SY_ERR_PROXY_PROVIDER_TOO_LARGE',
    },
  });
  if (r.notModified) return r;
  return { notModified: false, body: r.body.toString('utf8'), etag: r.header('etag'), userinfo: r.header('subscription-userinfo') };
}

/** `upload=1; download=2; total=3; expire=4` -> mihomo's subscriptionInfo; undefined when absent or unreadable. */
export function parseUserinfo(header: string): { Upload: number; Download: number; Total: number; Expire: number } | undefined {
  if (!header) return undefined;
  const out = { Upload: 0, Download: 0, Total: 0, Expire: 0 };
  let any = false;
  for (const part of header.split(';')) {
    const m = /^\s*(upload|download|total|expire)\s*=\s*(\d+(?:\.\d+)?)\s*$/i.exec(part);
    if (!m) continue;
    const key = (m[1]![0]!.toUpperCase() + m[1]!.slice(1).toLowerCase()) as keyof typeof out;
    out[key] = Math.floor(Number(m[2]));
    any = true;
  }
  return any ? out : undefined;
}
