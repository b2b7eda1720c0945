// Which desktop backends apply: XDG_CURRENT_DESKTOP names the desktop (GNOME
// and its relatives use org.gnome.system.proxy; KDE uses kioslaverc), and the
// tool must actually be there. `desktop` forces one (for the CLI and tests).
import { join } from 'node:path';
import { homedir } from 'node:os';
import { noDesktop } from './errors.js';
import { gnomeBackend } from './gnome.js';
import { kdeBackend } from './kde.js';
import type { CommandRunner, Desktop, ProxyBackend } from './types.js';

const GNOME_LIKE = new Set(['GNOME', 'UNITY', 'CINNAMON', 'X-CINNAMON', 'BUDGIE', 'BUDGIE-DESKTOP', 'PANTHEON', 'POP', 'UBUNTU', 'DEEPIN']);

export interface DetectOptions {
  env: NodeJS.ProcessEnv;
  run: CommandRunner;
  /** 'auto' (default): from XDG_CURRENT_DESKTOP. */
  desktop?: Desktop | 'auto';
}

/** Desktops named by XDG_CURRENT_DESKTOP (e.g. `ubuntu:GNOME`, `KDE`). */
export function desktopsFromEnv(env: NodeJS.ProcessEnv): Desktop[] {
  const names = (env.XDG_CURRENT_DESKTOP ?? '').split(':').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const out: Desktop[] = [];
  if (names.some((n) => GNOME_LIKE.has(n))) out.push('gnome');
  if (names.includes('KDE')) out.push('kde');
  return out;
}

export function kioslavercPath(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'kioslaverc');
}

/** The backends to use; throws SY_ERR_SYSPROXY_NO_DESKTOP with the reason when none fits. */
export async function detectBackends(o: DetectOptions): Promise<ProxyBackend[]> {
  const wanted = !o.desktop || o.desktop === 'auto' ? desktopsFromEnv(o.env) : [o.desktop];
  if (wanted.length === 0) {
    throw noDesktop(`XDG_CURRENT_DESKTOP is ${JSON.stringify(o.env.XDG_CURRENT_DESKTOP ?? '')}, which is neither GNOME nor KDE`);
  }
  const out: ProxyBackend[] = [];
  const missing: string[] = [];
  for (const d of wanted) {
    if (d === 'gnome') {
      const r = await o.run('gsettings', ['list-keys', 'org.gnome.system.proxy']);
      if (r.code === 0) out.push(gnomeBackend(o.run));
      else missing.push(r.code === 127 ? 'gsettings is not installed' : 'the org.gnome.system.proxy schema is not installed (gsettings-desktop-schemas)');
    } else {
      const version = await kdeVersion(o.run);
      if (version) out.push(kdeBackend(o.run, { version, file: kioslavercPath(o.env) }));
      else missing.push('neither kwriteconfig6/kreadconfig6 nor kwriteconfig5/kreadconfig5 is installed');
    }
  }
  if (out.length === 0) throw noDesktop(missing.join('; '));
  return out;
}

async function kdeVersion(run: CommandRunner): Promise<5 | 6 | null> {
  for (const v of [6, 5] as const) {
    const w = await run(`kwriteconfig${v}`, ['--help']);
    const r = await run(`kreadconfig${v}`, ['--help']);
    if (w.code === 0 && r.code === 0) return v;
  }
  return null;
}
