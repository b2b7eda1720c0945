// The keys rule providers and proxy providers share (url, path, interval,
// proxy, size-limit, header), read the same way for both.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { SectionContext } from './general.js';
import { readInt, readMap, readNonEmptyString, readStringOrList, setOwn } from './read.js';
import type { LEntry } from './yaml-tree.js';

/** What those keys fill in. */
export interface DownloadFields {
  readonly name: string;
  readonly type: string;
  url: string;
  path: string;
  interval: number;
  proxy: string;
  sizeLimit: number;
  header: Record<string, readonly string[]>;
}

export type FieldReader = (x: LEntry, sub: string) => void;

export function downloadFieldReaders(cx: SectionContext, p: DownloadFields): Record<string, FieldReader> {
  const { d, home } = cx;
  return {
    url: (x, sub) => {
      const s = readNonEmptyString(d, x.value, sub, 'an http:// or https:// URL');
      // As mihomo: a placeholder URL (subscription templates ship them) loads;
      // the provider stays empty, with this warning and a failed-download status.
      if (s !== undefined && !/^https?:\/\/[^\s/]+/i.test(s)) {
        d.warn('SY_ERR_CONFIG_BAD_ADDRESS', x.value.pos, sub, { value: s, detail: 'downloads will fail and the provider stays empty', expected: 'an http:// or https:// URL' });
      }
      if (s !== undefined) p.url = s;
    },
    path: (x, sub) => {
      const s = readNonEmptyString(d, x.value, sub, 'a file path');
      if (s === undefined) return;
      const abs = resolve(home, s);
      // mihomo's SAFE_PATHS: a downloaded list may only be written inside home.
      if (p.type === 'http' && !insideDir(home, abs)) {
        d.error('SY_ERR_CONFIG_PATH_TRAVERSAL', x.value.pos, sub, { value: s, detail: `resolves to ${abs}`, expected: `a path inside ${home}` });
      } else p.path = abs;
    },
    interval: (x, sub) => (p.interval = readInt(d, x.value, sub, 0, 2 ** 31 - 1, 'seconds') ?? 0),
    proxy: (x, sub) => {
      const s = readNonEmptyString(d, x.value, sub, 'a proxy, group or DIRECT');
      if (s === undefined) return;
      p.proxy = s;
      cx.refs.providerProxies.push({ owner: p.name, name: s, pos: x.value.pos, path: sub });
    },
    'size-limit': (x, sub) => (p.sizeLimit = readInt(d, x.value, sub, 0, Number.MAX_SAFE_INTEGER, 'bytes') ?? 0),
    header: (x, sub) => {
      const hm = readMap(d, x.value, sub, 'a mapping of header name: [values]');
      for (const h of hm?.entries ?? []) {
        const v = readStringOrList(d, h.value, `${sub}.${h.key}`);
        if (v) setOwn(p.header, h.key, v);
      }
    },
  };
}

export function insideDir(dir: string, abs: string): boolean {
  const rel = relative(dir, abs);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}

/** Provider names become file names: keep them to one safe path segment. */
export function safeFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return s === '' ? '_' : s;
}
