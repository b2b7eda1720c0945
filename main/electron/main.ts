// The Electron entry: single instance, tray, dashboard window. Thin by design —
// state → menu/icon logic lives in menu-model.ts / tray-state.ts, controller
// calls in core-client.ts, service mode in service-unit.ts (all unit-tested).
import { app, BrowserWindow, dialog, ipcMain, Menu, Tray, nativeImage, shell, type MenuItemConstructorOptions } from 'electron';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { createCoreClient } from './core-client.js';
import { actionPlan, buildMenu, type ActionStep, type MenuAction } from './menu-model.js';
import { autostartPath, renderAutostartDesktop } from './autostart.js';
import { detectServiceEnv, planInstall, planRemove, renderServiceUnit, runPlan, UNIT_PATH, type Runner } from './service-unit.js';
import { resolveShellOptions } from './shell-options.js';
import { trayIconFile, trayStateOf, trayTooltipKey, type CoreSnapshot } from './tray-state.js';
import { createSystemProxy, execRunner, stateDir } from './sysproxy/index.js';

const POLL_MS = 3000;
const root = app.getAppPath();
const opts = resolveShellOptions({
  argv: process.argv,
  env: process.env,
  defaultConfig: join(root, 'rules', 'default.yaml'),
  exists: existsSync,
  readText: (p) => readFileSync(p, 'utf8'),
});
const client = createCoreClient({ baseUrl: opts.controller, secret: opts.secret });
const serviceInstalled = (): boolean => existsSync(UNIT_PATH);
const autostartFile = (): string => autostartPath(process.env);
const shellContext = () => ({ serviceInstalled: serviceInstalled(), autostart: existsSync(autostartFile()) });
// System-proxy mode (no privileges): GNOME/KDE settings pointed at the mixed port, restored exactly on off/quit/next start.
const sysproxy = createSystemProxy({ run: execRunner(process.env), env: process.env, stateDir: stateDir(process.env) });

/** Tray labels come from the renderer's catalogs (one catalog per language); the locale is known once the app is ready. */
function loadCatalog(): Record<string, string> {
  const lang = app.getLocale().toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
  return JSON.parse(readFileSync(join(root, 'renderer', 'src', 'i18n', `${lang}.json`), 'utf8')) as Record<string, string>;
}
let catalog: Record<string, string> = {};
const t = (key: string): string => catalog[key] ?? key;

let tray: Tray | null = null;
let win: BrowserWindow | null = null;
let core: ChildProcess | null = null;
let snapshot: CoreSnapshot = { configs: null, error: 'not connected yet' };

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => openWindow());
  app.on('window-all-closed', () => {
    /* stay in the tray */
  });
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  catalog = loadCatalog();
  // A crash while the system proxy was on left the desktop pointing at us: restore it first.
  await sysproxy.recover().catch((e: unknown) => dialog.showErrorBox(t('tray.actionFailed'), e instanceof Error ? e.message : String(e)));
  ipcMain.handle('switchyard:sysproxy', async (_e, req: { on?: boolean }) => {
    if (req?.on === true) return sysproxy.on({ port: snapshot.configs?.['mixed-port'] || 7890 });
    if (req?.on === false) return sysproxy.off();
    return sysproxy.status();
  });
  app.on('before-quit', () => void sysproxy.off().catch(() => {}));
  await refresh();
  // No core answering and no service: run one as our child (unprivileged; capture needs the service).
  if (!snapshot.configs && !serviceInstalled()) {
    core = spawn(process.execPath, [join(root, 'bin', 'switchyard.mjs'), 'run', '--config', opts.configPath], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: 'inherit',
    });
    core.on('exit', () => (core = null));
  }
  tray = new Tray(icon());
  setInterval(() => void refresh().then(render), POLL_MS).unref();
  render();
  if (!opts.hidden) openWindow();
}

async function refresh(): Promise<void> {
  try {
    snapshot = { configs: await client.configs(), error: '' };
  } catch (e) {
    snapshot = { configs: null, error: e instanceof Error ? e.message : String(e) };
  }
}

function icon(): Electron.NativeImage {
  return nativeImage.createFromPath(join(root, 'assets', trayIconFile(trayStateOf(snapshot), 22)));
}

function render(): void {
  if (!tray) return;
  const ctx = shellContext();
  tray.setImage(icon());
  tray.setToolTip(`switchyard — ${t(trayTooltipKey(trayStateOf(snapshot)))}`);
  const items: MenuItemConstructorOptions[] = buildMenu(snapshot, ctx).map((m) =>
    m.kind === 'separator'
      ? { type: 'separator' }
      : {
          type: m.kind === 'action' || m.kind === 'label' ? 'normal' : m.kind,
          label: t(m.labelKey),
          checked: m.checked,
          enabled: m.enabled,
          click: () => void perform(m.action as MenuAction),
        },
  );
  tray.setContextMenu(Menu.buildFromTemplate(items));
}

async function perform(action: MenuAction): Promise<void> {
  try {
    for (const step of actionPlan(action, snapshot, shellContext())) await runStep(step);
  } catch (e) {
    // Coded errors (ShellError) carry what to do; show them, never swallow them.
    const code = (e as { code?: string }).code;
    dialog.showErrorBox(t('tray.actionFailed'), `${code ? `${code}: ` : ''}${e instanceof Error ? e.message : String(e)}`);
  }
  await refresh();
  render();
}

async function runStep(step: ActionStep): Promise<void> {
  switch (step.do) {
    case 'patch-configs':
      return client.patchConfigs(step.body);
    case 'close-all-connections':
      return client.closeAllConnections();
    case 'update-all-providers':
      await client.updateAllRuleProviders();
      return;
    case 'open-window':
      return openWindow();
    case 'install-service':
      return installService();
    case 'remove-service':
      return runPlan(planRemove(detectServiceEnv({ exists: existsSync, path: process.env.PATH ?? '' })), runCommand);
    case 'set-autostart':
      return setAutostart(step.enable);
    case 'quit-app':
      await sysproxy.off().catch(() => {});
      core?.kill('SIGTERM');
      app.exit(0);
  }
}

async function installService(): Promise<void> {
  const staged = join(mkdtempSync(join(tmpdir(), 'switchyard-')), 'switchyard.service');
  writeFileSync(staged, renderServiceUnit({
    nodePath: process.execPath,
    cliPath: join(root, 'bin', 'switchyard.mjs'),
    configPath: opts.configPath,
    env: { ELECTRON_RUN_AS_NODE: '1' },
  }));
  const env = detectServiceEnv({ exists: existsSync, path: process.env.PATH ?? '' });
  await runPlan(planInstall(env, staged), runCommand);
}

/** Runs argv without a shell, collecting stderr for the error message. */
const runCommand: Runner = (argv) =>
  new Promise((resolve, reject) => {
    const p = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? 1, stderr }));
  });

/** Start at login: the AppImage path when packaged as one, else this executable. */
function setAutostart(enable: boolean): void {
  const file = autostartFile();
  if (!enable) return rmSync(file, { force: true });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderAutostartDesktop({ exec: process.env.APPIMAGE || process.execPath, args: ['--hidden'], icon: join(root, 'assets', 'icon.png') }));
}

function openWindow(): void {
  if (win && !win.isDestroyed()) {
    win.show();
    win.focus();
    return;
  }
  win = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'switchyard',
    icon: join(root, 'assets', 'icon.png'),
    webPreferences: {
      preload: join(import.meta.dirname, 'preload.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      additionalArguments: [`--sy-controller=${encodeURIComponent(opts.controller)}`, `--sy-secret=${encodeURIComponent(opts.secret)}`],
    },
  });
  // CSP for everything the window loads; the page carries the same policy as a meta tag.
  win.webContents.session.webRequest.onHeadersReceived((d, cb) =>
    cb({ responseHeaders: { ...d.responseHeaders, 'Content-Security-Policy': [CSP] } }),
  );
  // Links open in the user's browser, never inside the app window.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  void win.loadFile(join(root, 'renderer', 'dist', 'index.html'));
}

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' http: https: ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
