// Shared pieces of the proxy-provider tests: a config parsed from YAML text
// (the real loader), the outbound set and providers built from it, and a
// local subscription server whose answer each test sets.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../../main/config/load.js';
import type { Config } from '../../../main/config/types.js';
import { buildOutbounds, type OutboundSet } from '../../../main/outbound/build.js';
import { plainSocketFactory } from '../../../main/outbound/socket-factory.js';
import { memoryStateStore, type StateStore } from '../../../main/outbound/state-store.js';
import { NULL_LOGGER, type Logger, type LogRecord } from '../../../main/core/logger.js';
import { loadProxyProviders, type LoadedProxyProviders } from '../../../main/proxy-providers/index.js';
import type { Resolver } from '../../../main/core/rule.js';

export function config(yaml: string, home: string): Config {
  const r = parseConfig(yaml, `${home}/config.yaml`, { home });
  if (!r.config) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.config;
}

const noResolver: Resolver = { resolve: async () => [] } as unknown as Resolver;

/** A logger that keeps warnings (to assert "one warning each"). */
export function recordingLogger(): Logger & { records: { level: string; msg: string; fields: Record<string, unknown> }[] } {
  const records: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const make = (base: Record<string, unknown>): Logger => {
    const at = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => records.push({ level, msg, fields: { ...base, ...fields } });
    return { ...NULL_LOGGER, debug: () => {}, info: at('info'), warn: at('warn'), error: at('error'), child: (f) => make({ ...base, ...f }) } as Logger;
  };
  return Object.assign(make({}), { records });
}
export type { LogRecord };

export interface Built {
  outbounds: OutboundSet;
  loaded: LoadedProxyProviders;
  close(): void;
}

export async function build(cfg: Config, opts: { state?: StateStore; logger?: Logger; fetchTimeoutMs?: number; retryBaseMs?: number } = {}): Promise<Built> {
  const logger = opts.logger ?? NULL_LOGGER;
  const outbounds = buildOutbounds(cfg, { sockets: plainSocketFactory, resolver: noResolver, state: opts.state ?? memoryStateStore(), logger, connectTimeoutMs: 2000 });
  const loaded = await loadProxyProviders(cfg.proxyProviders ?? {}, outbounds, { logger, fetchTimeoutMs: opts.fetchTimeoutMs ?? 2000, retryBaseMs: opts.retryBaseMs });
  return {
    outbounds,
    loaded,
    close() {
      for (const p of loaded.providers.values()) p.close();
      outbounds.close();
    },
  };
}

export interface Answer {
  status?: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** A subscription server on 127.0.0.1; `answer` decides each response; `requests` records what was asked. */
export async function subscriptionServer(): Promise<{
  url: string;
  answer: (req: http.IncomingMessage) => Answer;
  requests: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}> {
  const state = {
    url: '',
    answer: ((): Answer => ({ status: 500 })) as (req: http.IncomingMessage) => Answer,
    requests: [] as http.IncomingHttpHeaders[],
    close: async () => {},
  };
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    state.requests.push(req.headers);
    const a = state.answer(req);
    const send = () => {
      res.writeHead(a.status ?? 200, a.headers ?? {});
      res.end(a.body ?? '');
    };
    if (a.delayMs) {
      const t = setTimeout(send, a.delayMs);
      timers.add(t);
    } else send();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sub`;
  state.close = async () => {
    timers.forEach(clearTimeout);
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return state;
}

/** A Clash subscription body. */
export function body(proxies: { name: string; type?: string; port?: number }[]): string {
  return `proxies:\n${proxies.map((p) => `  - {name: "${p.name}", type: ${p.type ?? 'socks5'}, server: 127.0.0.1, port: ${p.port ?? 1}${p.type === 'vmess' ? ', uuid: 00000000-0000-0000-0000-000000000000, alterId: 0, cipher: auto' : ''}}`).join('\n')}\n`;
}
