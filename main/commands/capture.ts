// `switchyard capture status|clean`: inspect / remove the capture state
// (nft table inet switchyard, ip rules and routes, sysctls) left by any run.
// The table's comment records the mark, table and sysctls to restore; the
// config defaults are also checked, so rules left without a table are found.
import { captureStatus, createCommandRunner, removeCapture, type CaptureHint } from '../capture/index.js';
import { DEFAULT_CAPTURE } from '../config/defaults.js';
import { createLogHub } from '../core/logger.js';

const HINT: CaptureHint = { mark: DEFAULT_CAPTURE.mark, table: DEFAULT_CAPTURE.table };

export async function captureStatusCommand(): Promise<number> {
  const s = await captureStatus({ run: createCommandRunner() }, HINT);
  const out: string[] = [];
  const t = s.state ?? HINT;
  out.push(
    s.table
      ? `table inet switchyard: installed (mark 0x${t.mark.toString(16)}, routing table ${t.table})`
      : 'table inet switchyard: absent',
  );
  if (s.table) out.push(s.live.length ? `dead-man switch: live (${s.live.join(', ')}) - capture is applying` : 'dead-man switch: expired - capture is NOT applying (the core is not running)');
  out.push(`ip rules: ${s.rules.length ? '' : 'none'}`, ...s.rules.map((r) => `  ${r}`));
  out.push(`routes in table ${t.table}: ${s.routes.length ? '' : 'none'}`, ...s.routes.map((r) => `  ${r}`));
  const sysctls = Object.entries(s.state?.sysctls ?? {});
  if (sysctls.length) out.push('sysctls restored on removal:', ...sysctls.map(([k, v]) => `  ${k}=${v}`));
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

export async function captureCleanCommand(): Promise<number> {
  const hub = createLogHub({ level: 'warning' });
  const removed = await removeCapture({ run: createCommandRunner(), logger: hub.logger }, HINT);
  process.stdout.write(removed ? 'capture state removed\n' : 'nothing to remove\n');
  return 0;
}
