// Scratch desktops for the system-proxy tests: a HOME whose gsettings keyfile
// backend and kioslaverc live in a temp directory, and an INI reader to
// assert on those files.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { execRunner } from '../../../main/electron/sysproxy/runner.js';
import type { CommandRunner } from '../../../main/electron/sysproxy/types.js';

export interface Scratch {
  home: string;
  env: NodeJS.ProcessEnv;
  run: CommandRunner;
  stateDir: string;
  keyfile: string;
  kioslaverc: string;
  cleanup(): void;
}

export function scratchDesktop(desktop: string): Scratch {
  const home = mkdtempSync(join(tmpdir(), 'sy-sysproxy-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CURRENT_DESKTOP: desktop,
    GSETTINGS_BACKEND: 'keyfile',
    // kreadconfig/kwriteconfig are Qt programs: no display needed with the offscreen platform.
    QT_QPA_PLATFORM: 'offscreen',
  };
  return {
    home,
    env,
    run: execRunner(env),
    stateDir: join(home, '.local', 'state', 'switchyard'),
    keyfile: join(home, '.config', 'glib-2.0', 'settings', 'keyfile'),
    kioslaverc: join(home, '.config', 'kioslaverc'),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** INI text -> { group: { key: value } } (empty groups dropped). */
export function readIni(file: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  if (!existsSync(file)) return out;
  let group = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const g = /^\[(.*)\]\s*$/.exec(line);
    if (g) {
      group = g[1]!;
      continue;
    }
    const kv = /^([^=#;]+?)=(.*)$/.exec(line);
    if (kv) (out[group] ??= {})[kv[1]!] = kv[2]!;
  }
  return out;
}

export const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
