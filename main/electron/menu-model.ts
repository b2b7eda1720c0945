// The tray menu as data, derived from the core's state. Pure and Electron-free:
// main.ts turns items into Electron MenuItems (labels through the i18n catalog,
// keys `tray.*` in renderer/src/i18n/*.json) and sends clicks to `actionPlan`.
import type { ApiMode } from '../controller/api-types.js';
import type { CoreSnapshot } from './tray-state.js';

export type MenuAction =
  | 'mode:rule'
  | 'mode:global'
  | 'mode:direct'
  | 'capture'
  | 'gateway'
  | 'open-dashboard'
  | 'update-subscriptions'
  | 'close-all'
  | 'install-service'
  | 'remove-service'
  | 'autostart'
  | 'quit';

export interface MenuItemModel {
  kind: 'radio' | 'checkbox' | 'action' | 'separator' | 'label';
  /** '' for separators and labels */
  action: MenuAction | '';
  /** i18n catalog key */
  labelKey: string;
  checked: boolean;
  enabled: boolean;
}

export interface ShellContext {
  /** The core runs as the systemd service (quit leaves it running). */
  serviceInstalled: boolean;
  /** The XDG autostart entry exists (start at login). */
  autostart?: boolean;
}

const MODES: readonly ApiMode[] = ['rule', 'global', 'direct'];

const sep = (): MenuItemModel => ({ kind: 'separator', action: '', labelKey: '', checked: false, enabled: true });

/** The menu for a core snapshot: everything that needs the core is disabled while it is unreachable. */
export function buildMenu(s: CoreSnapshot, ctx: ShellContext): MenuItemModel[] {
  const up = s.configs !== null;
  const cap = s.configs?.capture;
  const items: MenuItemModel[] = [];
  if (!up) items.push({ kind: 'label', action: '', labelKey: 'tray.coreDown', checked: false, enabled: false }, sep());
  for (const m of MODES) {
    items.push({ kind: 'radio', action: `mode:${m}`, labelKey: `tray.mode.${m}`, checked: s.configs?.mode === m, enabled: up });
  }
  items.push(sep());
  items.push({ kind: 'checkbox', action: 'capture', labelKey: 'tray.capture', checked: !!cap?.enable, enabled: up && !!cap });
  items.push({ kind: 'checkbox', action: 'gateway', labelKey: 'tray.gateway', checked: !!cap?.enable && !!cap.lan, enabled: up && !!cap });
  items.push(
    ctx.serviceInstalled
      ? { kind: 'action', action: 'remove-service', labelKey: 'tray.removeService', checked: false, enabled: true }
      : { kind: 'action', action: 'install-service', labelKey: 'tray.installService', checked: false, enabled: true },
  );
  items.push({ kind: 'checkbox', action: 'autostart', labelKey: 'tray.autostart', checked: !!ctx.autostart, enabled: true });
  items.push(sep());
  items.push({ kind: 'action', action: 'open-dashboard', labelKey: 'tray.openDashboard', checked: false, enabled: true });
  items.push({ kind: 'action', action: 'update-subscriptions', labelKey: 'tray.updateSubscriptions', checked: false, enabled: up });
  items.push({ kind: 'action', action: 'close-all', labelKey: 'tray.closeAll', checked: false, enabled: up });
  items.push(sep());
  items.push({ kind: 'action', action: 'quit', labelKey: ctx.serviceInstalled ? 'tray.quit' : 'tray.quitAndStop', checked: false, enabled: true });
  return items;
}

/** What a click does, as data: controller calls and shell steps, in order. */
export type ActionStep =
  | { do: 'patch-configs'; body: Record<string, unknown> }
  | { do: 'update-all-providers' }
  | { do: 'close-all-connections' }
  | { do: 'open-window' }
  | { do: 'install-service' }
  | { do: 'remove-service' }
  | { do: 'set-autostart'; enable: boolean }
  | { do: 'quit-app' };

/**
 * The steps for an action. Quit asks the core to stop capturing first unless
 * the core runs as a service (then capture stays: it is the machine's setting).
 */
export function actionPlan(action: MenuAction, s: CoreSnapshot, ctx: ShellContext): ActionStep[] {
  const cap = s.configs?.capture;
  switch (action) {
    case 'mode:rule':
    case 'mode:global':
    case 'mode:direct':
      return [{ do: 'patch-configs', body: { mode: action.slice(5) } }];
    case 'capture':
      return [{ do: 'patch-configs', body: { capture: { enable: !cap?.enable } } }];
    case 'gateway': {
      const on = !(cap?.enable && cap.lan);
      // Gateway on implies capture on; gateway off keeps local capture as it was.
      return [{ do: 'patch-configs', body: { capture: on ? { enable: true, lan: true } : { lan: false } } }];
    }
    case 'open-dashboard':
      return [{ do: 'open-window' }];
    case 'update-subscriptions':
      return [{ do: 'update-all-providers' }];
    case 'close-all':
      return [{ do: 'close-all-connections' }];
    case 'install-service':
      return [{ do: 'install-service' }];
    case 'remove-service':
      return [{ do: 'remove-service' }];
    case 'autostart':
      return [{ do: 'set-autostart', enable: !ctx.autostart }];
    case 'quit':
      if (!ctx.serviceInstalled && s.configs && cap?.enable) {
        return [{ do: 'patch-configs', body: { capture: { enable: false } } }, { do: 'quit-app' }];
      }
      return [{ do: 'quit-app' }];
  }
}
