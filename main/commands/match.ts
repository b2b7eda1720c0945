// `switchyard match` (design.md §4): the decision for one connection, or one
// per line with --batch, as JSON lines {"target","rule","payload"}; no match →
// {"target":"DIRECT","rule":"","payload":""}. Exit 0 on decisions, 1 when the
// config or its providers do not load (errors on stderr).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createLogHub } from '../core/logger.js';
import { newMetadata, type Metadata } from '../core/metadata.js';
import type { Decision, Resolver } from '../core/rule.js';
import { normalizeIp } from '../core/address.js';
import type { CompiledEngine } from '../rules/engine.js';
import { Resolver as DnsResolver, promises as dnsp } from 'node:dns';
import { parseHostPort } from '../core/address.js';
import { buildRuleStack } from '../providers/rule-stack.js';

export interface MatchOptions {
  config: string;
  host?: string;
  ip?: string;
  port?: string | number;
  network?: string;
  src?: string;
  srcPort?: string | number;
  resolve?: string;
  batch?: string;
  stats?: boolean;
}

/** One query (a --batch line, or the flags). */
export interface MatchQuery {
  host?: string;
  ip?: string;
  port?: number | string;
  network?: string;
  src?: string;
  srcPort?: number | string;
  resolve?: string;
}

/** Query → metadata; throws Error with a message for bad input. A literal-IP host moves to the IP. */
export function queryToMeta(q: MatchQuery): Metadata {
  let host = q.host === undefined || q.host === null ? '' : String(q.host).trim();
  let ip = q.ip === undefined || q.ip === null ? '' : String(q.ip).trim();
  if (!host && !ip) throw new Error('one of "host" or "ip" is required');
  if (host && isIP(host.replace(/^\[|\]$/g, ''))) {
    if (!ip) ip = host.replace(/^\[|\]$/g, '');
    host = '';
  }
  if (ip) {
    const n = normalizeIp(ip);
    if (!n) throw new Error(`"ip" is not an IP address: ${JSON.stringify(ip)}`);
    ip = n;
  }
  const port = num(q.port, 443, 'port');
  const srcPort = num(q.srcPort, 0, 'srcPort');
  const network = (q.network ?? 'tcp').toString().toLowerCase();
  if (network !== 'tcp' && network !== 'udp') throw new Error(`"network" must be tcp or udp, got ${JSON.stringify(q.network)}`);
  let src = '';
  if (q.src) {
    src = normalizeIp(String(q.src));
    if (!src) throw new Error(`"src" is not an IP address: ${JSON.stringify(q.src)}`);
  }
  return newMetadata({ network, type: 'Inner', host, dstIP: ip, dstPort: port, srcIP: src, srcPort });
}

function num(v: unknown, dflt: number, name: string): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`"${name}" must be a port 0-65535, got ${JSON.stringify(v)}`);
  return n;
}

export function decisionLine(d: Decision): string {
  return JSON.stringify({ target: d.target, rule: d.rule?.type ?? '', payload: d.rule?.payload ?? '' });
}

function fixedResolver(ip: string): Resolver {
  const n = normalizeIp(ip);
  return { resolve: async () => (n ? [n] : []) };
}

async function decideOne(engine: CompiledEngine, q: MatchQuery, fallback: Resolver): Promise<string> {
  const meta = queryToMeta(q);
  if (q.resolve !== undefined && q.resolve !== '' && !normalizeIp(String(q.resolve))) {
    throw new Error(`"resolve" is not an IP address: ${JSON.stringify(q.resolve)}`);
  }
  const resolver = q.resolve ? fixedResolver(String(q.resolve)) : fallback;
  const d = engine.decide(meta, { resolver });
  return decisionLine(d instanceof Promise ? await d : d);
}

export async function matchCommand(opts: MatchOptions): Promise<number> {
  const t0 = performance.now();
  const hub = createLogHub({ level: 'error' });
  const stack = await buildRuleStack(opts.config, hub.logger);
  if (!stack.engine || !stack.config) {
    for (const e of stack.errors) process.stderr.write(`error ${e.code}: ${e.message}\n`);
    return 1;
  }
  const engine = stack.engine;
  const compileMs = performance.now() - t0;
  const fallback = opts.resolve ? fixedResolver(opts.resolve) : matchResolver(stack.config.dns.nameserver);
  let decisions = 0;
  const t1 = performance.now();
  if (opts.batch) {
    const input = opts.batch === '-' ? process.stdin : createReadStream(opts.batch);
    const rl = createInterface({ input, crlfDelay: Infinity });
    let buf: string[] = [];
    const flush = async () => {
      if (buf.length === 0) return;
      const chunk = buf.join('\n') + '\n';
      buf = [];
      if (!process.stdout.write(chunk)) await new Promise((ok) => process.stdout.once('drain', ok));
    };
    for await (const line of rl) {
      if (line.trim() === '') continue;
      try {
        const q = JSON.parse(line) as unknown;
        if (!q || typeof q !== 'object' || Array.isArray(q)) throw new Error('a query is a JSON object {"host","ip","port","network","src","srcPort","resolve"}');
        buf.push(await decideOne(engine, q as MatchQuery, fallback));
        decisions++;
      } catch (e) {
        buf.push(JSON.stringify({ error: (e as Error).message }));
      }
      if (buf.length >= 512) await flush();
    }
    await flush();
  } else {
    try {
      const q: MatchQuery = { host: opts.host, ip: opts.ip, port: opts.port, network: opts.network, src: opts.src, srcPort: opts.srcPort };
      process.stdout.write(await decideOne(engine, q, fallback) + '\n');
      decisions++;
    } catch (e) {
      process.stderr.write(`switchyard match: ${(e as Error).message}\n`);
      return 2;
    }
  }
  if (opts.stats) {
    const s = (performance.now() - t1) / 1000;
    process.stderr.write(
      `compile: ${compileMs.toFixed(1)} ms\ndecisions: ${decisions}\ndecisions/s: ${Math.round(decisions / Math.max(s, 1e-9))}\n`,
    );
  }
  return 0;
}

// The resolver `switchyard match` uses when no --resolve answer is given:
// plain UDP DNS to the config's dns.nameserver entries (udp://ip[:port] or a
// bare ip[:port]; DoH/DoT/TCP entries are skipped), else the system resolver.
// A failure or timeout resolves to [] ("no IP").

/** `udp://1.2.3.4:53`, `1.2.3.4`, `[2001:db8::1]:53` → `ip:port` for node:dns; null for other schemes. */
export function udpServer(entry: string): string | null {
  let s = entry.trim();
  if (s.startsWith('udp://')) s = s.slice(6);
  else if (/^[a-z]+:\/\//i.test(s)) return null;
  s = s.replace(/#.*$/, '');
  if (isIP(s)) return isIP(s) === 6 ? `[${s}]:53` : `${s}:53`;
  const hp = parseHostPort(s);
  if (hp && isIP(hp.host)) return hp.host.includes(':') ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
  return null;
}

export function matchResolver(nameservers: readonly string[], timeoutMs = 2000): Resolver {
  const servers = nameservers.map(udpServer).filter((s): s is string => s !== null);
  if (servers.length === 0) {
    return {
      async resolve(host) {
        try {
          return (await dnsp.lookup(host, { all: true })).map((a) => a.address);
        } catch {
          return [];
        }
      },
    };
  }
  const r = new DnsResolver({ timeout: timeoutMs, tries: 1 });
  r.setServers(servers);
  const r4 = (h: string) => new Promise<string[]>((ok) => r.resolve4(h, (e, a) => ok(e ? [] : a)));
  const r6 = (h: string) => new Promise<string[]>((ok) => r.resolve6(h, (e, a) => ok(e ? [] : a)));
  return {
    async resolve(host) {
      const v4 = await r4(host);
      return v4.length > 0 ? v4 : r6(host);
    },
  };
}
