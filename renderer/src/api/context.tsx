// The controller connection the pages share: one ApiClient and one StreamHub
// (one WebSocket per stream path), recreated when the address changes.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { ApiClient } from './client.js';
import { streamUrl } from './controller-address.js';
import { StreamHub, type SocketLike } from './stream-hub.js';

export interface Api {
  client: ApiClient;
  hub: StreamHub;
  /** a 401 anywhere sends the user to the login form */
  unauthorized: () => void;
}

export function makeApi(baseUrl: string, secret: string, unauthorized: () => void): Api {
  const client = new ApiClient(baseUrl, secret);
  const hub = new StreamHub({
    // The hub assigns on* handlers and reads only `ev.data`; a browser WebSocket fits that shape.
    connect: (path) => new WebSocket(streamUrl(baseUrl, path, secret)) as unknown as SocketLike,
    timers: { setTimeout: (fn, ms) => window.setTimeout(fn, ms), clearTimeout: (h) => window.clearTimeout(h as number) },
    flushMs: 100,
    maxBuffer: 2000,
  });
  return { client, hub, unauthorized };
}

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}
