// One WebSocket per stream path, shared by every subscriber (ref-counted):
// opened with the first subscriber, closed with the last. Messages are parsed,
// buffered (bounded: the oldest are dropped) and delivered in batches every
// `flushMs`, so a busy stream costs one render per tick, not one per message.
// Unexpected closes reconnect with capped exponential backoff. Pure: the
// socket factory and timers are passed in, so node tests drive it directly.

/** The part of a browser WebSocket the hub uses. */
export interface SocketLike {
  onopen: (() => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
  onerror: (() => void) | null;
  close(): void;
}

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface StreamHubOptions {
  /** Opens a socket for a stream path (the URL, token and protocol are the factory's business). */
  connect: (path: string) => SocketLike;
  timers: Timers;
  /** batch delivery interval, ms (0: deliver on every message) */
  flushMs?: number;
  /** most messages kept between flushes */
  maxBuffer?: number;
  backoffMs?: { initial: number; max: number };
}

export interface Subscriber<T> {
  onBatch: (batch: T[]) => void;
  onStatus?: (s: StreamStatus) => void;
}

/** Backoff for attempt n (0-based): initial·2ⁿ, capped. */
export function backoffDelay(attempt: number, initial: number, max: number): number {
  return Math.min(max, initial * 2 ** Math.min(attempt, 30));
}

/** A bounded FIFO: pushing beyond `cap` drops the oldest; `dropped` counts them. */
export class BoundedBuffer<T> {
  private items: T[] = [];
  dropped = 0;
  constructor(readonly cap: number) {}
  push(x: T): void {
    this.items.push(x);
    if (this.items.length > this.cap) {
      const over = this.items.length - this.cap;
      this.items.splice(0, over);
      this.dropped += over;
    }
  }
  drain(): T[] {
    const out = this.items;
    this.items = [];
    return out;
  }
  get size(): number {
    return this.items.length;
  }
}

interface Stream {
  subs: Set<Subscriber<unknown>>;
  socket: SocketLike | null;
  status: StreamStatus;
  buffer: BoundedBuffer<unknown>;
  flushTimer: unknown;
  retryTimer: unknown;
  attempt: number;
}

export class StreamHub {
  private readonly streams = new Map<string, Stream>();
  private readonly flushMs: number;
  private readonly maxBuffer: number;
  private readonly backoff: { initial: number; max: number };

  constructor(private readonly opts: StreamHubOptions) {
    this.flushMs = opts.flushMs ?? 100;
    this.maxBuffer = opts.maxBuffer ?? 1000;
    this.backoff = opts.backoffMs ?? { initial: 500, max: 15000 };
  }

  /** Subscribes to a stream; the returned function unsubscribes (idempotent). */
  subscribe<T>(path: string, sub: Subscriber<T>): () => void {
    let s = this.streams.get(path);
    if (!s) {
      s = { subs: new Set(), socket: null, status: 'connecting', buffer: new BoundedBuffer(this.maxBuffer), flushTimer: null, retryTimer: null, attempt: 0 };
      this.streams.set(path, s);
      this.open(path, s);
    }
    s.subs.add(sub as Subscriber<unknown>);
    sub.onStatus?.(s.status);
    const stream = s;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      stream.subs.delete(sub as Subscriber<unknown>);
      if (stream.subs.size === 0) this.shut(path, stream);
    };
  }

  /** Number of subscribers of a path (0 when closed). */
  refCount(path: string): number {
    return this.streams.get(path)?.subs.size ?? 0;
  }

  status(path: string): StreamStatus {
    return this.streams.get(path)?.status ?? 'closed';
  }

  /** Closes every stream (logout, controller change). */
  closeAll(): void {
    for (const [path, s] of [...this.streams]) this.shut(path, s);
  }

  private setStatus(s: Stream, st: StreamStatus): void {
    s.status = st;
    for (const sub of s.subs) sub.onStatus?.(st);
  }

  private open(path: string, s: Stream): void {
    let sock: SocketLike;
    try {
      sock = this.opts.connect(path);
    } catch {
      this.retry(path, s);
      return;
    }
    s.socket = sock;
    sock.onopen = () => {
      s.attempt = 0;
      this.setStatus(s, 'open');
    };
    sock.onmessage = (ev) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return; // not a frame of ours
      }
      s.buffer.push(msg);
      if (this.flushMs <= 0) this.flush(s);
      else if (s.flushTimer === null) s.flushTimer = this.opts.timers.setTimeout(() => this.flush(s), this.flushMs);
    };
    sock.onerror = () => {
      /* onclose follows */
    };
    sock.onclose = () => {
      if (s.socket !== sock) return;
      s.socket = null;
      if (this.streams.get(path) === s) this.retry(path, s);
    };
  }

  private retry(path: string, s: Stream): void {
    this.setStatus(s, 'reconnecting');
    const delay = backoffDelay(s.attempt++, this.backoff.initial, this.backoff.max);
    s.retryTimer = this.opts.timers.setTimeout(() => {
      s.retryTimer = null;
      if (this.streams.get(path) === s) this.open(path, s);
    }, delay);
  }

  private flush(s: Stream): void {
    s.flushTimer = null;
    const batch = s.buffer.drain();
    if (batch.length === 0) return;
    for (const sub of [...s.subs]) sub.onBatch(batch);
  }

  private shut(path: string, s: Stream): void {
    this.streams.delete(path);
    if (s.flushTimer !== null) this.opts.timers.clearTimeout(s.flushTimer);
    if (s.retryTimer !== null) this.opts.timers.clearTimeout(s.retryTimer);
    s.flushTimer = s.retryTimer = null;
    const sock = s.socket;
    s.socket = null;
    this.setStatus(s, 'closed');
    try {
      sock?.close();
    } catch {
      /* already closed */
    }
  }
}
