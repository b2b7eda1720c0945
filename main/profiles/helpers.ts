// Small pure helpers of the ProfileManager: lookup by id or name, input
// checks, and default names.
import { basename } from 'node:path';
import { SyError } from '../core/errors.js';
import { redactUrl } from './download.js';
import { isProfileId } from './store.js';
import type { ProfileIndex, ProfileRecord } from './types.js';
import { cleanName } from './userinfo.js';

const DAY = 86_400;
export const DEFAULT_URL_INTERVAL = DAY;
const MAX_INTERVAL = 365 * DAY;

export function find(idx: ProfileIndex, ref: string): ProfileRecord {
  const byId = isProfileId(ref) ? idx.profiles.find((p) => p.id === ref) : undefined;
  if (byId) return byId;
  const named = idx.profiles.filter((p) => p.name === ref);
  if (named.length === 1) return named[0]!;
  throw new SyError('SY_ERR_PROFILE_NOT_FOUND', { value: ref, expected: `an id or name of: ${idx.profiles.map((p) => p.name).join(', ') || '(no profiles)'}` });
}

export function checkInterval(v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > MAX_INTERVAL) throw badInput('interval', v, `whole seconds in 0..${MAX_INTERVAL} (0 = manual)`);
  if (v > 0 && v < 60) throw badInput('interval', v, 'at least 60 seconds, or 0 for manual');
  return v;
}

export const badInput = (where: string, value: unknown, expected: string) => new SyError('SY_ERR_PROFILE_BAD_INPUT', { where, value, expected });

export function sourceLabel(rec: ProfileRecord): string {
  return rec.source.type === 'url' ? redactUrl(rec.source.url) : rec.source.type === 'file' ? rec.source.path : `profile ${rec.id}`;
}

export function defaultName(rec: ProfileRecord): string {
  if (rec.source.type === 'url') {
    const u = new URL(rec.source.url);
    return cleanName(u.hostname) || 'profile';
  }
  return rec.source.type === 'file' ? cleanName(basename(rec.source.path)) : 'profile';
}

export function uniqueName(idx: ProfileIndex, name: string): string {
  let n = name;
  for (let i = 2; idx.profiles.some((p) => p.name === n) && i < 1000; i++) n = `${name} (${i})`;
  return n;
}
