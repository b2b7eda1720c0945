// NETWORK: tcp or udp, case-insensitive; anything else is a config error.
import type { Network } from '../../core/metadata.js';
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { fail } from './params.js';

export class NetworkCond implements Cond {
  readonly needsIp = false;
  readonly needsProcess = false;
  readonly size = -1;
  constructor(readonly network: Network) {}
  match(c: MatchCtx): boolean {
    return c.meta.network === this.network;
  }
}

export function compileNetwork(payload: string, where: string): Cond {
  const n = payload.trim().toLowerCase();
  if (n !== 'tcp' && n !== 'udp') fail('SY_ERR_RULE_BAD_NETWORK', where, payload, 'tcp or udp');
  return new NetworkCond(n);
}
