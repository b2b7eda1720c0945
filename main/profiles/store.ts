// The on-disk layout of profiles in the config home, and atomic file writes:
//   <home>/profiles/index.json            ProfileIndex
//   <home>/profiles/<id>.yaml             the downloaded/imported config
//   <home>/profiles/<id>.override.yaml    the user's override (optional)
//   <home>/profiles/<id>.effective.yaml   profile + override: what the engine runs
// Every write goes to a temp file in the same directory and is renamed over
// the target, so a crash never leaves a half-written profile or index.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SyError } from '../core/errors.js';
import type { ProfileIndex, ProfileRecord } from './types.js';

/** `$XDG_CONFIG_HOME/switchyard` (default ~/.config/switchyard). */
export function configHome(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'switchyard');
}

export interface ProfilePaths {
  dir: string;
  index: string;
  base(id: string): string;
  override(id: string): string;
  effective(id: string): string;
  /** Where a candidate is validated (same directory, so relative paths resolve alike). */
  candidate(id: string): string;
}

export function profilePaths(home: string): ProfilePaths {
  const dir = join(home, 'profiles');
  return {
    dir,
    index: join(dir, 'index.json'),
    base: (id) => join(dir, `${id}.yaml`),
    override: (id) => join(dir, `${id}.override.yaml`),
    effective: (id) => join(dir, `${id}.effective.yaml`),
    candidate: (id) => join(dir, `.${id}.candidate.yaml`),
  };
}

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const isProfileId = (s: string): boolean => ID.test(s);
export const newProfileId = (): string => `p${randomBytes(5).toString('hex')}`;

export const emptyIndex = (): ProfileIndex => ({ version: 1, active: '', profiles: [] });

/** Reads index.json; missing = empty; unreadable or malformed = SY_ERR_PROFILE_INDEX (never silently reset). */
export async function readIndex(file: string): Promise<ProfileIndex> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyIndex();
    throw new SyError('SY_ERR_PROFILE_INDEX', { where: file, cause: e });
  }
  return parseIndex(text, file);
}

export function parseIndex(text: string, file: string): ProfileIndex {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (cause) {
    throw new SyError('SY_ERR_PROFILE_INDEX', { where: file, detail: 'not JSON', cause });
  }
  const o = v as Partial<ProfileIndex> | null;
  if (!o || typeof o !== 'object' || o.version !== 1 || !Array.isArray(o.profiles) || typeof o.active !== 'string')
    throw new SyError('SY_ERR_PROFILE_INDEX', { where: file, expected: '{"version":1,"active":"…","profiles":[…]}' });
  o.profiles.forEach((p: Partial<ProfileRecord>, i) => {
    if (!p || typeof p.id !== 'string' || !isProfileId(p.id) || typeof p.name !== 'string' || !p.source || typeof p.source !== 'object')
      throw new SyError('SY_ERR_PROFILE_INDEX', { where: `${file} profiles[${i}]`, value: p, expected: 'a profile with id, name and source' });
  });
  return o as ProfileIndex;
}

/** The active profile's effective config file, synchronously (for `run` without --config); null when none. */
export function activeProfileFile(home: string): string | null {
  const paths = profilePaths(home);
  try {
    const idx = parseIndex(readFileSync(paths.index, 'utf8'), paths.index);
    if (!idx.active || !idx.profiles.some((p) => p.id === idx.active)) return null;
    const file = paths.effective(idx.active);
    return existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

export async function writeAtomic(file: string, text: string, dir: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, text, { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw new SyError('SY_ERR_PROFILE_IO', { where: file, cause: e });
  }
}

export async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SyError('SY_ERR_PROFILE_IO', { where: file, cause: e });
  }
}

export async function removeFiles(files: string[]): Promise<void> {
  for (const f of files) await rm(f, { force: true });
}
