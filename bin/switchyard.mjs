#!/usr/bin/env node
// The `switchyard` command. It runs the compiled core in dist/ whenever that
// build is current (bin/dist-state.mjs: built from exactly these sources), and
// otherwise main/cli.ts through tsx, so a checkout never runs stale code. The
// compiled core holds ~30 MB less RSS (no TypeScript loader) and starts faster.
// `npm ci` builds dist/ (the `prepare` script); so do `npm run build`,
// `npm run bench` and `npm start` when it is stale.
//
// SWITCHYARD_DIST=1 runs dist/ even when stale; SWITCHYARD_DIST=0 always runs tsx.
// `run` says in one line on stderr when it falls back to tsx; other commands are quiet.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';

const argv = process.argv.slice(2);
// The core's lean start (main/commands/lean-start.ts, which restores V8's
// defaults once the engine runs): from the very first module on, or node's
// own module loader gets compiled by TurboFan and Sparkplug while ~300
// modules load.
if (argv[0] === 'run') {
  setFlagsFromString('--no-turbofan');
  setFlagsFromString('--no-sparkplug');
  setFlagsFromString('--semi-space-growth-factor=1');
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'main', 'cli.js');
const force = process.env.SWITCHYARD_DIST;

/** 'current' | 'stale' | 'absent'. A copy without bin/dist-state.mjs (an older package) trusts its build. */
async function state() {
  if (!existsSync(built)) return 'absent';
  if (force === '1') return 'current';
  try {
    const { distState } = await import('./dist-state.mjs');
    return distState(root);
  } catch {
    return 'current';
  }
}

const s = force === '0' ? 'off' : await state();
let entry = built;
if (s !== 'current') {
  entry = join(root, 'main', 'cli.ts');
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    if (!existsSync(built)) {
      process.stderr.write('switchyard: neither tsx nor a build in dist/ is available; run `npm ci` (and `npm run build`)\n');
      process.exit(1);
    }
    entry = built;
  }
  if (entry !== built && argv[0] === 'run' && s !== 'off') {
    const why = s === 'absent' ? 'no compiled core in dist/' : 'dist/ is older than the sources';
    process.stderr.write(`switchyard: ${why}; running the TypeScript sources through tsx (more memory; \`npm run build\` for the compiled core)\n`);
  }
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(argv);
