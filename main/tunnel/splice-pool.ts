// Several native splice threads behind one SpliceAdopter: each relayed
// connection goes to the thread carrying the fewest connections now, so
// established flows use every core (one splice thread tops out at one core:
// 8 iperf3 streams on the 2-core bench VM reached 0.86x v2ray's throughput
// with one thread while v2ray spreads its flows over both).
import type { SpliceAdopter } from './relay.js';

export interface ClosableAdopter extends SpliceAdopter {
  close(): void;
}

export class SplicePool implements SpliceAdopter {
  /** Live connections per relay (counted here: adopt/connect minus onEnd). */
  private readonly live: Int32Array;
  readonly connect?: SpliceAdopter['connect'];

  constructor(private readonly relays: readonly ClosableAdopter[]) {
    if (relays.length === 0) throw new RangeError('SplicePool needs at least one relay');
    this.live = new Int32Array(relays.length);
    if (relays.every((r) => r.connect)) {
      this.connect = (client, target, opts, onEnd) => {
        const i = this.pick();
        const h = this.relays[i]!.connect!(client, target, opts, this.counted(i, onEnd));
        if (h) this.live[i]!++;
        return h;
      };
    }
  }

  /** How many connections each relay carries now. */
  loads(): number[] {
    return [...this.live];
  }

  adopt(...[client, remote, opts, onEnd]: Parameters<SpliceAdopter['adopt']>): ReturnType<SpliceAdopter['adopt']> {
    const i = this.pick();
    const h = this.relays[i]!.adopt(client, remote, opts, this.counted(i, onEnd));
    if (h) this.live[i]!++;
    return h;
  }

  close(): void {
    for (const r of this.relays) r.close();
  }

  private pick(): number {
    const live = this.live;
    let best = 0;
    for (let i = 1; i < live.length; i++) if (live[i]! < live[best]!) best = i;
    return best;
  }

  /** onEnd fires from the event loop, after adopt/connect returned (so the count went up first). */
  private counted<A extends unknown[]>(i: number, onEnd: (...a: A) => void): (...a: A) => void {
    return (...a: A) => {
      this.live[i]!--;
      onEnd(...a);
    };
  }
}
