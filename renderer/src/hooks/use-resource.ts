// Fetches a REST resource (optionally polling), and runs mutations, keeping
// the last error with its code for display. 401 goes to the login form.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useApi } from '../api/context.js';
import { ApiFailure, type ApiClient } from '../api/client.js';

export interface ShownError {
  code: string;
  message: string;
}

export function toShownError(e: unknown): ShownError {
  if (e instanceof ApiFailure) return { code: e.code, message: e.message };
  return { code: 'CLIENT', message: e instanceof Error ? e.message : String(e) };
}

export function useResource<T>(load: (c: ApiClient) => Promise<T>, deps: unknown[], pollMs = 0) {
  const api = useApi();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [loading, setLoading] = useState(true);
  const loader = useRef(load);
  loader.current = load;
  const reload = useCallback(async () => {
    try {
      const d = await loader.current(api.client);
      setData(d);
      setError(null);
    } catch (e) {
      if (e instanceof ApiFailure && e.unauthorized) api.unauthorized();
      setError(toShownError(e));
    } finally {
      setLoading(false);
    }
  }, [api]);
  useEffect(() => {
    void reload();
    if (pollMs <= 0) return;
    const h = window.setInterval(() => void reload(), pollMs);
    return () => window.clearInterval(h);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reload, pollMs, ...deps]);
  return { data, error, loading, reload, setData };
}

/** Wraps mutations: `run(fn)` records a failure as `error` (cleared on the next success). */
export function useAction() {
  const api = useApi();
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async <R,>(fn: (c: ApiClient) => Promise<R>): Promise<R | undefined> => {
      setBusy(true);
      try {
        const r = await fn(api.client);
        setError(null);
        return r;
      } catch (e) {
        if (e instanceof ApiFailure && e.unauthorized) api.unauthorized();
        setError(toShownError(e));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [api],
  );
  /** Like run, but resolves to whether it succeeded (for void calls). */
  const attempt = useCallback(
    async (fn: (c: ApiClient) => Promise<unknown>): Promise<boolean> => {
      let ok = false;
      await run(async (c) => {
        await fn(c);
        ok = true;
      });
      return ok;
    },
    [run],
  );
  return { run, attempt, error, busy, clear: () => setError(null) };
}
