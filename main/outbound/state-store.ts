// Persistence of small outbound state (select choices) across restarts. The
// engine passes one backed by a file in the config home; tests use memory.
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
