// PROCESS-NAME: the base name of the owning process, case-insensitive
// equality. Only local traffic has a process.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { fail } from './params.js';

export class ProcessNameCond implements Cond {
  readonly needsIp = false;
  readonly needsProcess = true;
  readonly size = -1;
  constructor(readonly name: string) {}
  match(c: MatchCtx): boolean {
    const p = c.meta.process;
    return p !== undefined && p !== '' && (p === this.name || p.toLowerCase() === this.name);
  }
}

export function compileProcessName(payload: string, where: string): Cond {
  const n = payload.trim();
  if (!n || n.includes('/')) fail('SY_ERR_RULE_EMPTY_PAYLOAD', where, payload, 'a process base name, e.g. curl');
  return new ProcessNameCond(n.toLowerCase());
}
