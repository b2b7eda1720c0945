#!/usr/bin/env node
// `npm start` (design §4): the desktop app when a display and a working
// Electron binary exist; otherwise say why and run the headless core
// (`switchyard run` with the default config), passing signals through.
// Either way the core is compiled to dist/ first when that build is stale
// (scripts/build-core.mjs; bin/switchyard.mjs runs it then: ~30 MB less RSS).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** Why the desktop app cannot start here, or '' when it can. */
function whyNotDesktop() {
  if (process.env.SWITCHYARD_HEADLESS === '1') return 'SWITCHYARD_HEADLESS=1';
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  let bin;
  try {
    // The electron package exports the path of its binary; it throws when the binary was never downloaded.
    bin = createRequire(import.meta.url)('electron');
  } catch (e) {
    return `Electron is not installed (${e instanceof Error ? e.message.split('\n')[0] : e})`;
  }
  if (typeof bin !== 'string' || !existsSync(bin)) return 'the Electron binary is missing (ELECTRON_SKIP_BINARY_DOWNLOAD?)';
  const probe = spawnSync(bin, ['--version'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 10000, encoding: 'utf8' });
  if (probe.status !== 0) return `the Electron binary does not run (${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split('\n')[0]})`;
  return '';
}

/** Newest mtime of the shell's sources vs its build. */
function shellBuildIsStale() {
  const out = join(root, 'dist', 'main', 'electron', 'main.js');
  if (!existsSync(out)) return true;
  const built = statSync(out).mtimeMs;
  const src = join(root, 'main', 'electron');
  return readdirSync(src).some((f) => statSync(join(src, f)).mtimeMs > built);
}

function run(cmd, argv, env = process.env) {
  const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit', env });
  const forward = (sig) => () => child.kill(sig);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, forward(sig));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1);
  });
  child.on('error', (e) => {
    process.stderr.write(`switchyard: cannot start ${cmd}: ${e.message}\n`);
    process.exitCode = 1;
  });
}

/** Compiles the core when dist/ is stale; never fails (the core then runs through tsx). */
function buildCore() {
  const script = join(root, 'scripts', 'build-core.mjs');
  if (existsSync(script)) spawnSync(process.execPath, [script, '--if-stale', '--soft'], { cwd: root, stdio: 'inherit' });
}

buildCore();
const why = whyNotDesktop();
if (why) {
  process.stderr.write(`switchyard: desktop app not started: ${why}; running the headless core instead (switchyard run)\n`);
  run(process.execPath, [join(root, 'bin', 'switchyard.mjs'), 'run', ...args]);
} else {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (!existsSync(join(root, 'renderer', 'dist', 'index.html'))) spawnSync(npm, ['run', '-s', 'build:ui'], { cwd: root, stdio: 'inherit' });
  if (shellBuildIsStale()) spawnSync(npm, ['exec', '--', 'tsc', '-p', 'main/electron/tsconfig.json'], { cwd: root, stdio: 'inherit' });
  const electron = createRequire(import.meta.url)('electron');
  run(electron, [root, ...args]);
}
