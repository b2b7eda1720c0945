// Preload (sandboxed, contextIsolation on): exposes only the controller address
// and secret, which main.ts passes as `--sy-controller=` / `--sy-secret=`
// arguments. CommonJS (.cts) because sandboxed preloads cannot be ES modules.
// The renderer reads `window.switchyard?.controller` and `window.switchyard?.sysproxy`.
import { contextBridge, ipcRenderer } from 'electron';

function arg(name: string): string {
  const pre = `--${name}=`;
  const hit = process.argv.find((a) => a.startsWith(pre));
  return hit ? decodeURIComponent(hit.slice(pre.length)) : '';
}

contextBridge.exposeInMainWorld('switchyard', {
  controller: Object.freeze({ url: arg('sy-controller'), secret: arg('sy-secret') }),
  // System-proxy mode, handled by the shell (the core may not touch the desktop's settings);
  // each resolves to {enabled, host, port, since, desktops} (renderer/src/services/system-proxy.ts).
  sysproxy: Object.freeze({
    status: () => ipcRenderer.invoke('switchyard:sysproxy', {}),
    on: () => ipcRenderer.invoke('switchyard:sysproxy', { on: true }),
    off: () => ipcRenderer.invoke('switchyard:sysproxy', { on: false }),
  }),
});
