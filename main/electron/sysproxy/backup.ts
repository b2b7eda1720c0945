// The backup of the user's proxy settings, written (atomically) to the state
// directory BEFORE anything changes, and deleted only after every key was
// restored. Its presence means "the system proxy is ours": after a crash the
// next start finds it and restores.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { badBackup } from './errors.js';
import type { Desktop, SavedKey } from './types.js';

export interface Backup {
  version: 1;
  /** unix ms when the proxy was switched on */
  at: number;
  host: string;
  port: number;
  /** Per desktop backend, the values before we changed them. */
  saved: Array<{ desktop: Desktop; keys: SavedKey[] }>;
}

export const BACKUP_FILE = 'sysproxy-backup.json';

export const backupPath = (stateDir: string): string => join(stateDir, BACKUP_FILE);

/** The backup, or null when there is none. A malformed one is an error (never silently dropped). */
export async function readBackup(stateDir: string): Promise<Backup | null> {
  const file = backupPath(stateDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw badBackup(file, 'cannot read it', e);
  }
  let v: Partial<Backup>;
  try {
    v = JSON.parse(text) as Partial<Backup>;
  } catch (e) {
    throw badBackup(file, 'not JSON', e);
  }
  const ok =
    v && v.version === 1 && Array.isArray(v.saved) &&
    v.saved.every((s) => (s.desktop === 'gnome' || s.desktop === 'kde') && Array.isArray(s.keys) &&
      s.keys.every((k) => typeof k.group === 'string' && typeof k.key === 'string' && (k.value === null || typeof k.value === 'string')));
  if (!ok) throw badBackup(file, 'unexpected shape');
  return v as Backup;
}

export async function writeBackup(stateDir: string, b: Backup): Promise<void> {
  const file = backupPath(stateDir);
  const tmp = `${file}.${randomBytes(3).toString('hex')}.tmp`;
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await writeFile(tmp, JSON.stringify(b, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}

export async function deleteBackup(stateDir: string): Promise<void> {
  await rm(backupPath(stateDir), { force: true });
}
