// The desktop's system proxy, available only inside the Electron shell: the
// preload may expose `window.switchyard.sysproxy` (main/electron/sysproxy).
// In a plain browser there is none and the UI hides the toggle.

export interface SystemProxyStatus {
  enabled: boolean;
  host?: string;
  port?: number;
  desktops?: string[];
}

/** What the shell's preload bridge offers (all optional: older shells lack it). */
export interface SystemProxyBridge {
  status(): Promise<SystemProxyStatus>;
  on(): Promise<SystemProxyStatus>;
  off(): Promise<SystemProxyStatus>;
}

declare global {
  interface Window {
    switchyard?: { controller?: { url?: string; secret?: string }; sysproxy?: SystemProxyBridge };
  }
}

export function systemProxyBridge(w: Window = window): SystemProxyBridge | null {
  const b = w.switchyard?.sysproxy;
  return b && typeof b.status === 'function' && typeof b.on === 'function' && typeof b.off === 'function' ? b : null;
}
