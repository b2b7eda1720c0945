// Persistence of small outbound state (select choices) across restarts. The
// engine passes one backed by a file in the config home; tests use memory.
import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../core/logger.js';

export interface StateStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** A StateStore that lives as long as the object. */
export function memoryStateStore(init: Record<string, unknown> = {}): StateStore {
  const m = new Map<string, unknown>(Object.entries(init));
  return {
    get: (k) => m.get(k),
    set: (k, v) => {
      m.set(k, v);
    },
  };
}

/**
 * A StateStore kept in one JSON file (e.g. `<home>/state/outbounds.json`).
 * A missing file starts empty; an unreadable or corrupt one starts empty with
 * a warning (a lost select choice must not stop the core). Every set() writes
 * the whole file atomically (temp file + rename); a failed write is logged and
 * the value stays in memory.
 */
export function fileStateStore(path: string, logger: Logger): StateStore {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
    else logger.warn('outbound state file is not a JSON object; starting empty', { path });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn('outbound state file unreadable; starting empty', { path, error: err });
  }
  return {
    get: (k) => data[k],
    set(k, v) {
      data = { ...data, [k]: v };
      const tmp = `${path}.${process.pid}.tmp`;
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
        renameSync(tmp, path);
      } catch (err) {
        logger.error('cannot save outbound state', { path, error: err });
      }
    },
  };
}
