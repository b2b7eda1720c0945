// Service mode: the core as a systemd unit, installed and removed through
// pkexec (one password prompt per operation). Pure text generation and command
// plans; `runPlan` executes a plan with an injected runner so the shell stays
// testable. The unit gives the core only the capabilities it needs.
import { ShellError } from './errors.js';

export const SERVICE_NAME = 'switchyard.service';
export const UNIT_PATH = `/etc/systemd/system/${SERVICE_NAME}`;

export interface ServiceUnitOptions {
  /** absolute path of node (or of the packaged app's binary run with ELECTRON_RUN_AS_NODE) */
  nodePath: string;
  /** absolute path of bin/switchyard.mjs */
  cliPath: string;
  /** absolute path of the config file the service runs */
  configPath: string;
  /** run as this user instead of root (ambient capabilities still apply) */
  user?: string;
  /** extra environment, e.g. ELECTRON_RUN_AS_NODE=1 */
  env?: Record<string, string>;
}

/** systemd quoting for one ExecStart argument; refuses what cannot be written safely. */
function unitArg(name: string, value: string): string {
  if (!value.startsWith('/')) throw badOption(name, value, 'an absolute path');
  if (/[\n\r"\\$%]/.test(value)) throw badOption(name, value, 'a path without newlines, quotes, backslashes, $ or %');
  return /\s/.test(value) ? `"${value}"` : value;
}

function badOption(name: string, value: string, expected: string): ShellError {
  return new ShellError('SY_ERR_APP_BAD_OPTION', `invalid ${name} for the service unit`, {
    detail: `got ${JSON.stringify(value)}, expected ${expected}`,
  });
}

/** The unit file text. */
export function renderServiceUnit(o: ServiceUnitOptions): string {
  const node = unitArg('nodePath', o.nodePath);
  const cli = unitArg('cliPath', o.cliPath);
  const cfg = unitArg('configPath', o.configPath);
  if (o.user !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(o.user)) throw badOption('user', o.user, 'a POSIX user name');
  const env = Object.entries(o.env ?? {}).map(([k, v]) => {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(k) || /[\n\r"\\]/.test(v)) throw badOption('env', `${k}=${v}`, 'NAME=value without quotes or newlines');
    return `Environment="${k}=${v}"`;
  });
  return [
    '# Installed by the switchyard desktop app (service mode). Remove it from the app,',
    '# or: systemctl disable --now switchyard.service && rm ' + UNIT_PATH,
    '[Unit]',
    'Description=switchyard rule-based transparent proxy',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    ...(o.user ? [`User=${o.user}`] : []),
    ...env,
    `ExecStart=${node} ${cli} run --config ${cfg}`,
    // Fail open even after a crash: remove whatever capture state is left.
    `ExecStopPost=${node} ${cli} capture clean`,
    'Restart=on-failure',
    'RestartSec=3',
    'AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW',
    'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW',
    'NoNewPrivileges=true',
    'LimitNOFILE=1048576',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** What the machine offers; `detectServiceEnv` fills it from the real system. */
export interface ServiceEnv {
  /** absolute path of pkexec, '' when absent */
  pkexec: string;
  /** absolute path of systemctl, '' when absent */
  systemctl: string;
  /** /run/systemd/system exists (systemd is PID 1) */
  systemdRunning: boolean;
}

/** One command of a plan: argv run without a shell. */
export interface PlanStep {
  argv: string[];
  /** what it does, for progress and errors */
  what: string;
}

function requireTools(env: ServiceEnv): void {
  if (!env.systemctl || !env.systemdRunning) {
    throw new ShellError('SY_ERR_APP_SYSTEMD_MISSING', 'systemd is not running on this machine, so service mode is unavailable', {
      detail: env.systemctl ? 'systemctl exists but systemd is not PID 1' : 'systemctl not found',
      hint: 'run `switchyard run` as root instead',
    });
  }
  if (!env.pkexec) {
    throw new ShellError('SY_ERR_APP_PKEXEC_MISSING', 'pkexec is not installed, so the service cannot be installed or removed with administrator rights', {
      hint: 'install polkit (Debian/Ubuntu: `sudo apt install pkexec`), or install the unit by hand',
    });
  }
}

const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Install: the unit text is first written by the caller (unprivileged) to
 * `stagedUnit`; one pkexec call copies it into place, reloads and starts it.
 */
export function planInstall(env: ServiceEnv, stagedUnit: string): PlanStep[] {
  requireTools(env);
  if (!stagedUnit.startsWith('/')) throw badOption('stagedUnit', stagedUnit, 'an absolute path');
  const script = [
    `install -m 0644 ${sh(stagedUnit)} ${sh(UNIT_PATH)}`,
    `${sh(env.systemctl)} daemon-reload`,
    `${sh(env.systemctl)} enable --now ${SERVICE_NAME}`,
  ].join(' && ');
  return [{ argv: [env.pkexec, '/bin/sh', '-c', script], what: `install and start ${SERVICE_NAME}` }];
}

/** Remove: stop and disable (ignoring "not loaded"), delete the unit, reload. */
export function planRemove(env: ServiceEnv): PlanStep[] {
  requireTools(env);
  const script = [
    `${sh(env.systemctl)} disable --now ${SERVICE_NAME} || true`,
    `rm -f ${sh(UNIT_PATH)}`,
    `${sh(env.systemctl)} daemon-reload`,
  ].join('; ');
  return [{ argv: [env.pkexec, '/bin/sh', '-c', script], what: `stop and remove ${SERVICE_NAME}` }];
}

/** Runs argv and reports its exit status and stderr. */
export type Runner = (argv: string[]) => Promise<{ code: number; stderr: string }>;

/** Runs a plan in order; the first failure stops it and is raised with its stderr. pkexec's 126/127 mean "cancelled"/"not authorized". */
export async function runPlan(plan: PlanStep[], run: Runner): Promise<void> {
  for (const step of plan) {
    let r: { code: number; stderr: string };
    try {
      r = await run(step.argv);
    } catch (cause) {
      throw new ShellError('SY_ERR_APP_SERVICE_COMMAND', 'a service-mode command failed', { where: step.what, cause, detail: String(cause) });
    }
    if (r.code !== 0) {
      const why = r.code === 126 ? 'authorization was cancelled' : r.code === 127 ? 'not authorized (or command not found)' : `exit ${r.code}`;
      throw new ShellError('SY_ERR_APP_SERVICE_COMMAND', 'a service-mode command failed', {
        where: step.what,
        detail: `${why}${r.stderr.trim() ? `: ${r.stderr.trim().slice(0, 300)}` : ''}`,
      });
    }
  }
}

/** Dependencies of `detectServiceEnv` (real: fs.existsSync over PATH). */
export interface DetectDeps {
  exists: (path: string) => boolean;
  path: string;
}

/** Finds pkexec and systemctl on PATH and whether systemd runs. */
export function detectServiceEnv(d: DetectDeps): ServiceEnv {
  const find = (name: string): string => {
    for (const dir of d.path.split(':')) {
      if (dir && d.exists(`${dir}/${name}`)) return `${dir}/${name}`;
    }
    return '';
  };
  return { pkexec: find('pkexec'), systemctl: find('systemctl'), systemdRunning: d.exists('/run/systemd/system') };
}
