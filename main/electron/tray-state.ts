// Tray icon state: what the icon tells at a glance. Pure; main.ts maps the
// result to a file in assets/tray/.
import type { ApiConfigs } from '../controller/api-types.js';

/** off: core up, nothing captured · capturing: this machine · gateway: LAN too · error: core down or capture failed. */
export type TrayState = 'off' | 'capturing' | 'gateway' | 'error';

export const TRAY_STATES: readonly TrayState[] = ['off', 'capturing', 'gateway', 'error'];
export const TRAY_ICON_SIZES = [16, 22, 32] as const;
export type TrayIconSize = (typeof TRAY_ICON_SIZES)[number];

/** What the shell knows about the core: `configs` is null when the controller is unreachable. */
export interface CoreSnapshot {
  configs: ApiConfigs | null;
  /** Last error talking to the core ('' when fine). */
  error: string;
}

/** The tray state for a snapshot of the core. */
export function trayStateOf(s: CoreSnapshot): TrayState {
  if (!s.configs || s.error) return 'error';
  const cap = s.configs.capture;
  if (!cap || !cap.enable) return 'off';
  if (cap.error || !cap.installed) return 'error';
  return cap.lan ? 'gateway' : 'capturing';
}

/** The icon file for a state, relative to assets/ (PNG rendered from assets/svg/tray-<state>.svg). */
export function trayIconFile(state: TrayState, size: TrayIconSize = 22): string {
  return `tray/tray-${state}-${size}.png`;
}

/** The tooltip catalog key for a state. */
export function trayTooltipKey(state: TrayState): `tray.state.${TrayState}` {
  return `tray.state.${state}`;
}
