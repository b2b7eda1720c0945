// How many native splice threads carry established flows: one per core by
// default (at most 4), SWITCHYARD_SPLICE_THREADS=N to choose.
import { availableParallelism } from 'node:os';
import { SplicePool, type ClosableAdopter } from '../tunnel/splice-pool.js';

/** The relays, pooled when more than one; null when the addon gives none. */
export function spliceRelays(create: () => ClosableAdopter | null, env: NodeJS.ProcessEnv = process.env): ClosableAdopter | null {
  const want = Number(env.SWITCHYARD_SPLICE_THREADS);
  const n = Number.isInteger(want) && want >= 1 ? Math.min(want, 16) : Math.max(1, Math.min(4, availableParallelism()));
  const relays: ClosableAdopter[] = [];
  for (let i = 0; i < n; i++) {
    const r = create();
    if (!r) break;
    relays.push(r);
  }
  if (relays.length === 0) return null;
  return relays.length === 1 ? relays[0]! : new SplicePool(relays);
}
