// Applying and removing capture: one `nft -f` transaction for the table,
// then policy routing, then sysctls. Install is idempotent (stale state of
// any earlier run is removed first); a failed step rolls back what was done
// and is raised as SY_ERR_CAPTURE_APPLY, never logged and skipped. What must
// be undone (mark, table, sysctls to restore) is recorded in the table's
// comment, so `switchyard capture clean` works without the config.
import type { Logger } from '../core/logger.js';
import { SyError } from '../core/errors.js';
import type { CaptureInput } from './input.js';
import { checkCaptureInput } from './input.js';
import { decodeState, renderCapture, TABLE_FAMILY, TABLE_NAME, type CaptureState } from './render.js';
import { planRouting } from './routing.js';
import { plannedSysctls, readSysctl, writeSysctl } from './sysctl.js';
import type { RunCommand } from './run.js';

export interface CaptureDeps {
  run: RunCommand;
  logger: Logger;
}

/** Where to look for routing state when no table records it (the defaults, or the config's values). */
export interface CaptureHint {
  mark: number;
  table: number;
}

export interface CaptureStatus {
  /** the nft table inet switchyard exists */
  table: boolean;
  /** state recorded in the table comment */
  state: CaptureState | null;
  /** dead-man elements present (`tcp`, `udp`); empty = capture is not applying */
  live: string[];
  /** `ip rule` lines for the mark/table (both families) */
  rules: string[];
  /** routes in the policy table (both families) */
  routes: string[];
}

/** Installs capture for `input`; see the file comment. Resolves once everything is applied. */
export async function installCapture(input: CaptureInput, deps: CaptureDeps): Promise<void> {
  checkCaptureInput(input);
  const log = deps.logger.child({ area: 'capture' });
  await removeCapture(deps, { mark: input.mark, table: input.table });
  const saved: Record<string, string> = {};
  const want = plannedSysctls(input);
  for (const key of Object.keys(want)) {
    const cur = await readSysctl(deps.run, key);
    if (cur === null) throw new SyError('SY_ERR_CAPTURE_APPLY', { where: `sysctl ${key}`, detail: 'cannot read it' });
    if (cur !== want[key]) saved[key] = cur;
  }
  const text = renderCapture(input, saved);
  let step = 'nft -f (table inet switchyard)';
  try {
    await must(deps.run, 'nft', ['-f', '-'], text);
    for (const args of planRouting(input).add) {
      step = `ip ${args.join(' ')}`;
      await must(deps.run, 'ip', args);
    }
    for (const key of Object.keys(saved)) {
      step = `sysctl ${key}=${want[key]}`;
      await writeSysctl(deps.run, key, want[key]!);
    }
  } catch (cause) {
    log.error('capture install failed; rolling back', { step, error: String(cause) });
    try {
      await removeCapture(deps, { mark: input.mark, table: input.table });
    } catch (e) {
      log.error('capture rollback incomplete', { error: String(e) });
    }
    throw new SyError('SY_ERR_CAPTURE_APPLY', { where: step, cause });
  }
  log.info('capture installed', { local: input.local, lan: input.lan, ipv6: input.ipv6, onFailure: input.onFailure, tproxyPort: input.tproxyPort });
}

/**
 * Removes the table, the ip rules and routes (of the recorded state and of
 * `hint`), and restores the recorded sysctls. Absent pieces are fine; a piece
 * that is present but cannot be removed raises SY_ERR_CAPTURE_REMOVE after
 * every other piece has been attempted. Returns whether anything was removed.
 */
export async function removeCapture(deps: CaptureDeps, hint?: CaptureHint): Promise<boolean> {
  const { table, state } = await readTable(deps.run);
  const failures: string[] = [];
  let removed = false;
  if (table) {
    const r = await deps.run('nft', ['delete', 'table', TABLE_FAMILY, TABLE_NAME]);
    if (r.code === 0) removed = true;
    else failures.push(`nft delete table: ${r.stderr.trim()}`);
  }
  const targets = [state, hint].filter((t): t is CaptureHint => !!t && t.mark > 0 && t.table > 0);
  const seen = new Set<string>();
  for (const t of targets) {
    if (seen.has(`${t.mark}/${t.table}`)) continue;
    seen.add(`${t.mark}/${t.table}`);
    for (const args of planRouting({ ...t, ipv6: true }).remove) {
      if (args[1] === 'rule') {
        // Delete every copy (earlier runs may have added it more than once); bounded.
        for (let k = 0; k < 32 && (await deps.run('ip', args)).code === 0; k++) removed = true;
      } else {
        const before = await deps.run('ip', [args[0]!, 'route', 'show', 'table', args[4]!]);
        if (before.code !== 0 || before.stdout.trim() === '') continue;
        const r = await deps.run('ip', args);
        if (r.code === 0) removed = true;
        else failures.push(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
      }
    }
  }
  for (const [key, value] of Object.entries(state?.sysctls ?? {})) {
    try {
      await writeSysctl(deps.run, key, value);
    } catch (e) {
      failures.push(String(e));
    }
  }
  if (failures.length) throw new SyError('SY_ERR_CAPTURE_REMOVE', { detail: failures.join('; ') });
  if (removed) deps.logger.child({ area: 'capture' }).info('capture removed', { state });
  return removed;
}

/** What is installed now (nothing is changed). */
export async function captureStatus(deps: Pick<CaptureDeps, 'run'>, hint?: CaptureHint): Promise<CaptureStatus> {
  const { table, state } = await readTable(deps.run);
  let live: string[] = [];
  if (table) {
    const r = await deps.run('nft', ['list', 'set', TABLE_FAMILY, TABLE_NAME, 'live']);
    const m = /elements = \{([^}]*)\}/.exec(r.stdout);
    live = m ? [...m[1]!.matchAll(/\b(tcp|udp)\b/g)].map((x) => x[1]!) : [];
  }
  const t = state ?? hint;
  const rules: string[] = [];
  const routes: string[] = [];
  if (t) {
    const mark = `0x${t.mark.toString(16)}`;
    for (const f of ['-4', '-6']) {
      const r = await deps.run('ip', [f, 'rule', 'show']);
      for (const line of r.stdout.split('\n')) if (line.includes(`fwmark ${mark}`) && new RegExp(`lookup ${t.table}\\b`).test(line)) rules.push(`${f} ${line.trim()}`);
      const rt = await deps.run('ip', [f, 'route', 'show', 'table', String(t.table)]);
      if (rt.code === 0) for (const line of rt.stdout.split('\n')) if (line.trim()) routes.push(`${f} ${line.trim()}`);
    }
  }
  return { table, state, live, rules, routes };
}

async function readTable(run: RunCommand): Promise<{ table: boolean; state: CaptureState | null }> {
  const r = await run('nft', ['list', 'table', TABLE_FAMILY, TABLE_NAME]);
  if (r.code !== 0 && /not permitted|permission denied/i.test(r.stderr)) {
    throw new SyError('SY_ERR_CAPTURE_COMMAND', { where: 'nft list table inet switchyard', detail: 'CAP_NET_ADMIN is needed (run as root)', value: r.stderr.trim() });
  }
  if (r.code !== 0) return { table: false, state: null };
  const m = /^\s*comment "([^"]*)"/m.exec(r.stdout);
  return { table: true, state: m ? decodeState(m[1]!) : null };
}

async function must(run: RunCommand, cmd: string, args: readonly string[], stdin?: string): Promise<void> {
  const r = await run(cmd, args, stdin);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
}
