// The event plumbing shared by UDP flows: message subscribers, one terminal
// close (fired once, with an optional error) and an idle timer.
export type MessageCb = (data: Buffer, from: { ip: string; port: number }) => void;

export class FlowEvents {
  closed = false;
  private readonly msgCbs: MessageCb[] = [];
  private readonly endCbs: ((err?: Error) => void)[] = [];
  private endErr: Error | undefined;
  private idle: NodeJS.Timeout | undefined;
  private last = Date.now();

  /** idleMs 0 = no idle timeout. */
  constructor(private readonly idleMs: number) {
    if (idleMs > 0) this.arm(idleMs);
  }

  private arm(ms: number) {
    this.idle = setTimeout(() => {
      const quiet = Date.now() - this.last;
      if (quiet >= this.idleMs) this.end();
      else this.arm(this.idleMs - quiet);
    }, ms);
    this.idle.unref();
  }

  touch(): void {
    this.last = Date.now();
  }

  onMessage(cb: MessageCb): void {
    this.msgCbs.push(cb);
  }

  message(data: Buffer, from: { ip: string; port: number }): void {
    if (this.closed) return;
    for (const cb of this.msgCbs) cb(data, from);
  }

  /** Registers a close callback; fires at once when already closed. */
  onEnd(cb: (err?: Error) => void): void {
    if (this.closed) cb(this.endErr);
    else this.endCbs.push(cb);
  }

  /** Ends the flow once; later calls are no-ops. */
  end(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.endErr = err;
    if (this.idle) clearTimeout(this.idle);
    const cbs = this.endCbs.splice(0);
    for (const cb of cbs) {
      try {
        cb(err);
      } catch {
        /* a failing subscriber must not stop the others */
      }
    }
  }
}
