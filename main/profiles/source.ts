// Reading a profile's source: the subscription URL (conditional GET with the
// stored validators) or the local file (same size limit). Runs outside the
// manager's lock, so a slow server never blocks list() or other profiles.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { SyError, isSyError } from '../core/errors.js';
import { download as httpDownload, DOWNLOAD_DEFAULTS, type DownloadOptions, type DownloadResult } from './download.js';
import type { ProfileRecord, SubscriptionInfo } from './types.js';

export interface SourceDeps {
  download?: (url: string, opts: Partial<DownloadOptions>) => Promise<DownloadResult>;
  downloadOptions?: Partial<DownloadOptions>;
}

export interface Fetched {
  text: string;
  /** A default display name (content-disposition or file name), '' when none. */
  name: string;
  userinfo: SubscriptionInfo | null;
  validators: { etag?: string; lastModified?: string };
}

/** The source's text; null = unchanged since the last download (304 to our conditional request). */
export async function fetchSource(rec: ProfileRecord, d: SourceDeps): Promise<Fetched | null> {
  const src = rec.source;
  if (src.type === 'url') {
    const dl = d.download ?? httpDownload;
    const r = await dl(src.url, { ...d.downloadOptions, ...(rec.etag ? { etag: rec.etag } : {}), ...(rec.lastModified ? { lastModified: rec.lastModified } : {}) });
    if (r.notModified) return null;
    const validators = { ...(r.etag ? { etag: r.etag } : {}), ...(r.lastModified ? { lastModified: r.lastModified } : {}) };
    return { text: r.body, name: r.filename, userinfo: r.userinfo, validators };
  }
  if (src.type === 'file') {
    const max = d.downloadOptions?.maxBytes ?? DOWNLOAD_DEFAULTS.maxBytes;
    try {
      const st = await stat(src.path);
      if (st.size > max) throw new SyError('SY_ERR_PROFILE_TOO_LARGE', { where: src.path, value: st.size, expected: `at most ${max} bytes` });
      return { text: await readFile(src.path, 'utf8'), name: basename(src.path).replace(/\.(ya?ml)$/i, ''), userinfo: null, validators: {} };
    } catch (e) {
      throw isSyError(e) ? e : new SyError('SY_ERR_PROFILE_IO', { where: src.path, cause: e });
    }
  }
  throw new SyError('SY_ERR_PROFILE_NO_SOURCE', { where: `profile ${rec.name}`, detail: 'it was pasted once; import it again or edit its override' });
}
