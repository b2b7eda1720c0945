// The logger contract and a small JSON-lines implementation. Log records are
// also fanned out to subscribers (the controller's /logs stream).
export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error', 'silent'];

export interface LogRecord {
  time: number; // ms since epoch
  level: Exclude<LogLevel, 'silent'>;
  msg: string;
  fields: Record<string, unknown>;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every record. */
  child(fields: Record<string, unknown>): Logger;
  /** Whether debug records would go anywhere (guards costly formatting). */
  readonly debugEnabled: boolean;
}

export interface LogHub {
  readonly logger: Logger;
  setLevel(level: LogLevel): void;
  level(): LogLevel;
  /** Receive every record at or above the hub's own level; returns the unsubscribe function. */
  subscribe(fn: (r: LogRecord) => void): () => void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3, silent: 4 };

export function levelRank(l: LogLevel): number {
  return RANK[l];
}

export interface LogHubOptions {
  level?: LogLevel;
  /** Where JSON lines go; default process.stderr. null = nowhere. */
  sink?: { write(line: string): unknown } | null;
}

/** Creates the process's log hub. Errors in subscribers never propagate. */
export function createLogHub(opts: LogHubOptions = {}): LogHub {
  let level: LogLevel = opts.level ?? 'info';
  const sink = opts.sink === undefined ? process.stderr : opts.sink;
  const subs = new Set<(r: LogRecord) => void>();

  const emit = (lvl: LogRecord['level'], msg: string, base: Record<string, unknown>, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < RANK[level] && subs.size === 0) return;
    const rec: LogRecord = { time: Date.now(), level: lvl, msg, fields: fields ? { ...base, ...fields } : base };
    if (sink && RANK[lvl] >= RANK[level]) {
      sink.write(JSON.stringify({ time: new Date(rec.time).toISOString(), level: lvl, msg, ...serialise(rec.fields) }) + '\n');
    }
    for (const s of subs) {
      try {
        s(rec);
      } catch {
        /* a broken subscriber must not break logging */
      }
    }
  };

  const make = (base: Record<string, unknown>): Logger => ({
    debug: (m, f) => emit('debug', m, base, f),
    info: (m, f) => emit('info', m, base, f),
    warn: (m, f) => emit('warning', m, base, f),
    error: (m, f) => emit('error', m, base, f),
    child: (f) => make({ ...base, ...f }),
    get debugEnabled() {
      return RANK[level] <= RANK.debug || subs.size > 0;
    },
  });

  return {
    logger: make({}),
    setLevel: (l) => {
      level = l;
    },
    level: () => level,
    subscribe: (fn) => {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  };
}

function serialise(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = v instanceof Error ? { message: v.message, code: (v as { code?: unknown }).code } : v;
  }
  return out;
}

/** A logger that drops everything (tests, benchmarks). */
export const NULL_LOGGER: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return NULL_LOGGER;
  },
  debugEnabled: false,
};
