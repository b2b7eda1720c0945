// The system-proxy switch for running without CAP_NET_ADMIN: points the
// desktop's proxy settings at the core's mixed port.
// Lifecycle and contract:
// - on(): reads every key it will touch and saves them to the state
//   directory FIRST; then applies. If applying fails half-way, what was
//   changed is restored and the backup removed before the error is raised.
//   Switching on again while on keeps the original backup (only the port changes).
// - off(): restores exactly the saved values, then deletes the backup; if a
//   restore command fails the backup stays, so off() can be retried.
// - recover(): at start, a backup left by a crash is restored (= off()).
import { deleteBackup, readBackup, writeBackup, type Backup } from './backup.js';
import { detectBackends } from './detect.js';
import { badPort } from './errors.js';
import { LOCAL_IGNORE, type CommandRunner, type Desktop, type ProxyBackend } from './types.js';

export interface SystemProxyDeps {
  run: CommandRunner;
  env: NodeJS.ProcessEnv;
  /** Where the backup lives (`$XDG_STATE_HOME/switchyard`). */
  stateDir: string;
  desktop?: Desktop | 'auto';
  now?: () => number;
}

export interface SystemProxyStatus {
  /** True while a backup exists: our settings are (or may still be) in place. */
  enabled: boolean;
  host: string;
  port: number;
  /** unix ms when it was switched on; 0 when off */
  since: number;
  desktops: Desktop[];
}

export interface SystemProxy {
  on(opts: { port: number; host?: string }): Promise<SystemProxyStatus>;
  off(): Promise<SystemProxyStatus>;
  /** Restores a backup left by a crash; true when there was one. */
  recover(): Promise<boolean>;
  status(): Promise<SystemProxyStatus>;
}

const OFF: SystemProxyStatus = { enabled: false, host: '', port: 0, since: 0, desktops: [] };

export function createSystemProxy(d: SystemProxyDeps): SystemProxy {
  const now = d.now ?? Date.now;
  const backends = () => detectBackends({ env: d.env, run: d.run, desktop: d.desktop ?? 'auto' });
  const statusOf = (b: Backup | null): SystemProxyStatus =>
    b ? { enabled: true, host: b.host, port: b.port, since: b.at, desktops: b.saved.map((s) => s.desktop) } : { ...OFF };

  async function restore(b: Backup, all: readonly ProxyBackend[]): Promise<void> {
    for (const s of b.saved) {
      const be = all.find((x) => x.desktop === s.desktop) ?? (await detectBackends({ env: d.env, run: d.run, desktop: s.desktop }))[0]!;
      await be.restore(s.keys);
    }
  }

  const self: SystemProxy = {
    async on({ port, host = '127.0.0.1' }) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw badPort(port);
      const all = await backends();
      const prior = await readBackup(d.stateDir);
      const backup: Backup = prior
        ? { ...prior, host, port }
        : { version: 1, at: now(), host, port, saved: await Promise.all(all.map(async (be) => ({ desktop: be.desktop, keys: await be.read() }))) };
      // A desktop added since the first on() (rare) gets its values saved too.
      for (const be of all) if (!backup.saved.some((s) => s.desktop === be.desktop)) backup.saved.push({ desktop: be.desktop, keys: await be.read() });
      await writeBackup(d.stateDir, backup);
      try {
        for (const be of all) await be.apply({ host, port, ignore: LOCAL_IGNORE });
      } catch (e) {
        await restore(backup, all).then(() => deleteBackup(d.stateDir), () => {});
        throw e;
      }
      return statusOf(backup);
    },
    async off() {
      const b = await readBackup(d.stateDir);
      if (!b) return { ...OFF };
      await restore(b, []);
      await deleteBackup(d.stateDir);
      return { ...OFF };
    },
    async recover() {
      if (!(await readBackup(d.stateDir))) return false;
      await self.off();
      return true;
    },
    async status() {
      return statusOf(await readBackup(d.stateDir));
    },
  };
  return self;
}
