// Coded errors of the system-proxy switch (codes registered in main/core/error-codes/profiles.ts).
import { ShellError } from '../errors.js';
import type { RunResult } from './types.js';

export function commandFailed(file: string, args: readonly string[], r: RunResult): ShellError {
  return new ShellError('SY_ERR_SYSPROXY_COMMAND', 'a system-proxy settings command failed', {
    where: [file, ...args].join(' '),
    detail: `exit ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n')[0]}` : ''}`,
  });
}

export function noDesktop(detail: string): ShellError {
  return new ShellError('SY_ERR_SYSPROXY_NO_DESKTOP', 'no supported desktop for the system proxy (GNOME gsettings or KDE kwriteconfig5/6)', {
    detail,
    hint: 'set the proxy to the mixed port by hand, or install the service for full capture',
  });
}

export function badBackup(where: string, detail: string, cause?: unknown): ShellError {
  return new ShellError('SY_ERR_SYSPROXY_BACKUP', 'the saved system-proxy settings are unreadable', { where, detail, cause });
}

export function badPort(value: unknown): ShellError {
  return new ShellError('SY_ERR_SYSPROXY_BAD_PORT', 'invalid system-proxy port', { detail: `got ${JSON.stringify(value)}, expected an integer in 1..65535` });
}
