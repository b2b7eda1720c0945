// "Start at login": an XDG autostart entry (~/.config/autostart/switchyard.desktop).
// Pure text and path; main.ts writes or deletes the file.
import { ShellError } from './errors.js';

export interface AutostartOptions {
  /** absolute path of the app executable (the AppImage, or /usr/bin/switchyard-desktop) */
  exec: string;
  /** extra arguments, e.g. ['--hidden'] to start in the tray */
  args?: string[];
  /** absolute path or icon name */
  icon?: string;
}

/** Quotes one Exec argument as the Desktop Entry spec requires. */
function desktopArg(a: string): string {
  if (/[\n\r]/.test(a)) throw new ShellError('SY_ERR_APP_BAD_OPTION', 'invalid autostart argument', { detail: 'contains a newline' });
  if (!/[\s"'\\`$<>~|&;*?#()%]/.test(a)) return a;
  return `"${a.replace(/[\\"`$]/g, (c) => `\\${c}`).replace(/%/g, '%%')}"`;
}

export function renderAutostartDesktop(o: AutostartOptions): string {
  if (!o.exec.startsWith('/')) {
    throw new ShellError('SY_ERR_APP_BAD_OPTION', 'invalid autostart executable', { detail: `got ${JSON.stringify(o.exec)}, expected an absolute path` });
  }
  const exec = [o.exec, ...(o.args ?? [])].map(desktopArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=switchyard',
    'Comment=Rule-based transparent proxy',
    `Exec=${exec}`,
    `Icon=${o.icon ?? 'switchyard'}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** `$XDG_CONFIG_HOME/autostart/switchyard.desktop`, else `$HOME/.config/...`. */
export function autostartPath(env: { XDG_CONFIG_HOME?: string; HOME?: string }): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : env.HOME ? `${env.HOME}/.config` : '';
  if (!base) throw new ShellError('SY_ERR_APP_BAD_OPTION', 'cannot place the autostart entry', { detail: 'neither XDG_CONFIG_HOME nor HOME is set' });
  return `${base}/autostart/switchyard.desktop`;
}
