// Connection-table logic: wire connections → rows (with speed from the
// previous snapshot), search, sort. Pure, so 5,000 rows are cheap to test.
import type { ApiConnection } from '../../../main/controller/api-types.js';

export interface ConnRow {
  id: string;
  /** host, else destination IP */
  host: string;
  destination: string;
  source: string;
  network: string;
  rule: string;
  chain: string;
  process: string;
  upload: number;
  download: number;
  /** bytes per second since the previous snapshot */
  upSpeed: number;
  downSpeed: number;
  /** ms since epoch */
  start: number;
  /** closed-history rows: ms since epoch, else 0 */
  end: number;
  /** closed-history rows: why it ended */
  reason: string;
}

const hostPort = (ip: string, port: string): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** Rows for a snapshot; `prev` (id → row) and `dtMs` give the speeds. */
export function toRows(conns: readonly ApiConnection[], prev: ReadonlyMap<string, ConnRow>, dtMs: number): ConnRow[] {
  const dt = dtMs > 0 ? dtMs / 1000 : 0;
  return conns.map((c) => {
    const m = c.metadata;
    const p = prev.get(c.id);
    const end = (c as { end?: string }).end;
    return {
      id: c.id,
      host: m.host || m.sniffHost || m.destinationIP,
      destination: hostPort(m.destinationIP || m.host, m.destinationPort),
      source: hostPort(m.sourceIP, m.sourcePort),
      network: m.network,
      rule: c.rule ? (c.rulePayload ? `${c.rule}(${c.rulePayload})` : c.rule) : '',
      chain: [...c.chains].reverse().join(' → '),
      process: m.process,
      upload: c.upload,
      download: c.download,
      upSpeed: p && dt ? Math.max(0, (c.upload - p.upload) / dt) : 0,
      downSpeed: p && dt ? Math.max(0, (c.download - p.download) / dt) : 0,
      start: Date.parse(c.start) || 0,
      end: end ? Date.parse(end) || 0 : 0,
      reason: (c as { reason?: string }).reason ?? '',
    };
  });
}

/**
 * Search: whitespace-separated terms, all must match (case-insensitive) one of
 * host, destination, source, rule, chain, process; `network:udp` style terms
 * match one field exactly.
 */
export function filterRows(rows: readonly ConnRow[], query: string): ConnRow[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return rows.slice();
  return rows.filter((r) =>
    terms.every((t) => {
      const colon = t.indexOf(':');
      if (colon > 0) {
        const field = t.slice(0, colon);
        if (field === 'network' || field === 'rule' || field === 'chain' || field === 'host' || field === 'process') {
          return String(r[field]).toLowerCase().includes(t.slice(colon + 1));
        }
      }
      return (
        r.host.toLowerCase().includes(t) ||
        r.destination.toLowerCase().includes(t) ||
        r.source.toLowerCase().includes(t) ||
        r.rule.toLowerCase().includes(t) ||
        r.chain.toLowerCase().includes(t) ||
        r.process.toLowerCase().includes(t)
      );
    }),
  );
}

export type SortKey = 'host' | 'destination' | 'source' | 'network' | 'rule' | 'chain' | 'upload' | 'download' | 'downSpeed' | 'upSpeed' | 'start';
export interface SortSpec {
  key: SortKey;
  desc: boolean;
}

/** Stable sort by one column; ties keep the newest first. */
export function sortRows(rows: readonly ConnRow[], s: SortSpec): ConnRow[] {
  const dir = s.desc ? -1 : 1;
  const k = s.key;
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const x = a.r[k];
      const y = b.r[k];
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return c !== 0 ? c * dir : a.i - b.i;
    })
    .map((e) => e.r);
}

/** The window of a virtualised list: which rows to render for a scroll position. */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8): { start: number; end: number } {
  const start = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { start, end: Math.max(start, end) };
}
