// Subscribes a component to a controller stream through the shared hub.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApi } from '../api/context.js';
import type { StreamStatus } from '../api/stream-hub.js';

/** Calls `onBatch` with each batch of frames of `path` (null: not subscribed); returns the stream status. */
export function useStream<T>(path: string | null, onBatch: (batch: T[]) => void): StreamStatus {
  const { hub } = useApi();
  const cb = useRef(onBatch);
  cb.current = onBatch;
  const [status, setStatus] = useState<StreamStatus>('connecting');
  useEffect(() => {
    if (!path) return;
    return hub.subscribe<T>(path, { onBatch: (b) => cb.current(b), onStatus: setStatus });
  }, [hub, path]);
  return status;
}

/** The latest frame of a stream. */
export function useLatest<T>(path: string): { value: T | null; status: StreamStatus } {
  const [value, setValue] = useState<T | null>(null);
  const status = useStream<T>(path, (b) => setValue(b[b.length - 1] ?? null));
  return { value, status };
}
