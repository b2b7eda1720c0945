// KeyValueStore implementations for /storage: in memory, and one JSON file per
// key in a directory (written atomically: temp file + rename).
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyValueStore } from './deps.js';
import { checkStorageKey } from './routes/storage.js';

export function createMemoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return {
    get: async (k) => {
      const v = m.get(k);
      return v === undefined ? undefined : JSON.parse(v);
    },
    put: async (k, v) => {
      m.set(k, JSON.stringify(v));
    },
    delete: async (k) => {
      m.delete(k);
    },
  };
}

/** Values live in `<dir>/<key>.json`; keys are checked again here (no traversal). */
export function createFileStore(dir: string): KeyValueStore {
  const file = (k: string) => join(dir, `${checkStorageKey(k)}.json`);
  return {
    async get(k) {
      try {
        return JSON.parse(await readFile(file(k), 'utf8'));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async put(k, v) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const f = file(k);
      const tmp = `${f}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, JSON.stringify(v), { mode: 0o600 });
      await rename(tmp, f);
    },
    async delete(k) {
      await rm(file(k), { force: true });
    },
  };
}
