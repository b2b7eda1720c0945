// Public surface of the system-proxy switch (Electron-free; used by the shell and `switchyard sysproxy`).
export { createSystemProxy, type SystemProxy, type SystemProxyDeps, type SystemProxyStatus } from './system-proxy.js';
export { execRunner } from './runner.js';
export { detectBackends, desktopsFromEnv, kioslavercPath } from './detect.js';
export { backupPath, BACKUP_FILE } from './backup.js';
export { LOCAL_IGNORE, type CommandRunner, type Desktop, type ProxyBackend, type RunResult } from './types.js';

/** `$XDG_STATE_HOME/switchyard` (default ~/.local/state/switchyard): where the backup lives. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || `${env.HOME || '/tmp'}/.local/state`;
  return `${base}/switchyard`;
}
