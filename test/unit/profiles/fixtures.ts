// Shared fixtures of the profile tests: a real local HTTP server whose answers
// each test sets per path, scratch homes, and config texts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogHub } from '../../../main/core/logger.js';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface TestServer {
  url(path: string): string;
  on(path: string, h: Handler): void;
  /** Requests seen, as `METHOD path`. */
  readonly seen: http.IncomingMessage[];
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const seen: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req);
    const h = routes.get(req.url ?? '');
    if (!h) {
      res.statusCode = 404;
      res.end('no route');
      return;
    }
    h(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    on: (p, h) => void routes.set(p, h),
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function scratchHome(): { home: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), 'sy-prof-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export const silentLogger = () => createLogHub({ level: 'silent', sink: null }).logger;

/** A complete, valid Clash config; `marker` becomes a rule so versions differ. */
export function goodConfig(marker = 'v1.example'): string {
  return [
    '# provider comment',
    'mixed-port: 7890',
    'mode: rule',
    'proxies:',
    '  - {name: up, type: socks5, server: 198.51.100.1, port: 1080}',
    'proxy-groups:',
    '  - {name: PROXY, type: select, proxies: [up, DIRECT]}',
    'rules:',
    `  - DOMAIN-SUFFIX,${marker},PROXY`,
    '  - MATCH,DIRECT',
    '',
  ].join('\n');
}

/** Sends a body with the subscription headers. */
export function serve(body: string, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/yaml; charset=utf-8', ...headers });
    res.end(body);
  };
}
