// Persistent state in the config home (group choices, mode, capture toggles,
// UI storage): one JSON file, written atomically (temp + rename), debounced.
// A corrupt file is reported once and replaced by an empty state, never fatal.
import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../core/logger.js';

export interface StateStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** Writes pending changes now. */
  flush(): void;
}

export function openStateStore(file: string, logger: Logger, debounceMs = 200): StateStore {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
    else logger.warn('state file is not a JSON object; starting empty', { file });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn('state file unreadable; starting empty', { file, error: e });
  }
  let timer: NodeJS.Timeout | null = null;
  const write = () => {
    timer = null;
    try {
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(data, null, 2));
      renameSync(tmp, file);
    } catch (e) {
      logger.error('cannot write state file', { file, error: e });
    }
  };
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(write, debounceMs);
    timer.unref();
  };
  return {
    get: (k) => data[k],
    set(k, v) {
      data[k] = v;
      schedule();
    },
    delete(k) {
      delete data[k];
      schedule();
    },
    flush() {
      if (timer) clearTimeout(timer);
      write();
    },
  };
}
