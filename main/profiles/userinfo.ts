// Parsers for the two response headers a subscription server adds:
// `subscription-userinfo: upload=1; download=2; total=3; expire=4` and
// `content-disposition: attachment; filename*=UTF-8''name.yaml`.
import type { SubscriptionInfo } from './types.js';

const FIELDS = ['upload', 'download', 'total', 'expire'] as const;

/** Parses subscription-userinfo; unknown fields are ignored, missing ones are 0; null when nothing usable. */
export function parseSubscriptionInfo(header: string | string[] | undefined): SubscriptionInfo | null {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return null;
  const out: SubscriptionInfo = { upload: 0, download: 0, total: 0, expire: 0 };
  let seen = 0;
  for (const part of text.split(/[;,]/)) {
    const m = /^\s*([A-Za-z]+)\s*=\s*([0-9.eE+]+)\s*$/.exec(part);
    if (!m) continue;
    const key = m[1]!.toLowerCase() as (typeof FIELDS)[number];
    if (!FIELDS.includes(key)) continue;
    const n = Number(m[2]);
    if (!Number.isFinite(n) || n < 0) continue;
    out[key] = Math.floor(n);
    seen++;
  }
  return seen > 0 ? out : null;
}

/** The file name from content-disposition (RFC 6266, `filename*` wins), without the extension; '' when none. */
export function dispositionName(header: string | undefined): string {
  if (!header) return '';
  let name = '';
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star) {
    try {
      name = decodeURIComponent(star[2]!.trim().replace(/^"|"$/g, ''));
    } catch {
      name = '';
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
    if (plain) name = (plain[2] ?? plain[1] ?? '').trim();
  }
  name = name.replace(/^.*[\\/]/, '').replace(/\.(ya?ml|txt|conf)$/i, '');
  return cleanName(name);
}

/** A display name: control characters removed, trimmed, at most 64 characters. */
export function cleanName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 64);
}
