// Connections: the live table (virtualised), search, sort, pause, close one /
// the filtered ones / all, and the closed-connection history.
import { useMemo, useRef, useState } from 'preact/hooks';
import type { ApiClosedConnection, ApiConnections } from '../../../main/controller/api-types.js';
import { ErrorBox } from '../components/error-box.js';
import { VirtualList } from '../components/virtual-list.js';
import { useAction, useResource } from '../hooks/use-resource.js';
import { useStream } from '../hooks/use-stream.js';
import { useI18n, type MessageKey } from '../i18n/context.js';
import { filterRows, sortRows, toRows, type ConnRow, type SortKey, type SortSpec } from '../utils/connections.js';

const COLUMNS: { key: SortKey; label: MessageKey; cls: string }[] = [
  { key: 'host', label: 'conn.host', cls: 'c-host' },
  { key: 'destination', label: 'conn.destination', cls: 'c-dst' },
  { key: 'source', label: 'conn.source', cls: 'c-src' },
  { key: 'network', label: 'conn.network', cls: 'c-net' },
  { key: 'rule', label: 'conn.rule', cls: 'c-rule' },
  { key: 'chain', label: 'conn.chain', cls: 'c-chain' },
  { key: 'upload', label: 'conn.upload', cls: 'c-num' },
  { key: 'download', label: 'conn.download', cls: 'c-num' },
  { key: 'downSpeed', label: 'conn.speed', cls: 'c-num' },
  { key: 'start', label: 'conn.duration', cls: 'c-num' },
];

export function ConnectionsPage() {
  const i = useI18n();
  const { t } = i;
  const [tab, setTab] = useState<'active' | 'closed'>('active');
  const [rows, setRows] = useState<ConnRow[]>([]);
  const [paused, setPaused] = useState(false);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortSpec>({ key: 'start', desc: true });
  const prev = useRef<{ at: number; map: Map<string, ConnRow> }>({ at: 0, map: new Map() });
  const action = useAction();

  useStream<ApiConnections>(paused ? null : '/connections?interval=1000', (batch) => {
    const snap = batch[batch.length - 1];
    if (!snap) return;
    const now = Date.now();
    const next = toRows(snap.connections ?? [], prev.current.map, now - prev.current.at);
    prev.current = { at: now, map: new Map(next.map((r) => [r.id, r])) };
    setRows(next);
  });
  const closed = useResource(
    async (c) => {
      if (tab !== 'closed') return [] as ApiClosedConnection[];
      const r = await c.closedConnections();
      return Array.isArray(r) ? r : r.connections;
    },
    [tab],
    tab === 'closed' ? 3000 : 0,
  );
  const closedRows = useMemo(() => toRows(closed.data ?? [], new Map(), 0), [closed.data]);
  const source = tab === 'active' ? rows : closedRows;
  const shown = useMemo(() => sortRows(filterRows(source, query), sort), [source, query, sort]);
  const now = Date.now();

  const closeIds = async (ids: string[]) => {
    // A few requests in flight at once: closing hundreds stays quick without flooding the controller.
    await action.run(async (c) => {
      const queue = ids.slice();
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await c.closeConnection(id);
      };
      await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
    });
  };

  return (
    <section class="page" aria-labelledby="h-conns">
      <h1 id="h-conns">{t('nav.connections')}</h1>
      <div class="toolbar" role="toolbar" aria-label={t('conn.toolbar')}>
        <div class="segmented" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'active'} class={tab === 'active' ? 'active' : ''} onClick={() => setTab('active')}>
            {t('conn.active', { n: i.num(rows.length) })}
          </button>
          <button type="button" role="tab" aria-selected={tab === 'closed'} class={tab === 'closed' ? 'active' : ''} onClick={() => setTab('closed')}>
            {t('conn.closed')}
          </button>
        </div>
        <input
          type="search"
          class="grow"
          placeholder={t('conn.search')}
          aria-label={t('conn.search')}
          value={query}
          onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
        />
        {tab === 'active' && (
          <>
            <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>
              {paused ? t('conn.resume') : t('conn.pause')}
            </button>
            <button type="button" disabled={shown.length === 0 || !query} onClick={() => void closeIds(shown.map((r) => r.id))}>
              {t('conn.closeFiltered', { n: i.num(shown.length) })}
            </button>
            <button type="button" class="danger" disabled={rows.length === 0} onClick={() => void action.run((c) => c.closeAllConnections())}>
              {t('conn.closeAll')}
            </button>
          </>
        )}
      </div>
      <ErrorBox error={action.error ?? closed.error} onDismiss={action.clear} />
      <div class="table conn-table" role="table" aria-label={t('nav.connections')} aria-rowcount={shown.length}>
        <div class="thead vrow-static" role="row">
          {COLUMNS.map((c) => (
            <div role="columnheader" class={c.cls} aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
              <button type="button" class="link" onClick={() => setSort({ key: c.key, desc: sort.key === c.key ? !sort.desc : c.cls === 'c-num' })}>
                {t(c.label)}
                {sort.key === c.key ? (sort.desc ? ' ↓' : ' ↑') : ''}
              </button>
            </div>
          ))}
          <div role="columnheader" class="c-act">
            <span class="sr-only">{t('conn.actions')}</span>
          </div>
        </div>
        {shown.length === 0 ? (
          <p class="muted empty">{tab === 'active' ? t('conn.none') : t('conn.noneClosed')}</p>
        ) : (
          <VirtualList
            items={shown}
            rowHeight={34}
            height="calc(100vh - 260px)"
            label={t('nav.connections')}
            testId="conn-rows"
            render={(r) => (
              <>
                <div role="cell" class="c-host" title={r.host} data-testid="conn-host">
                  {r.host}
                </div>
                <div role="cell" class="c-dst">{r.destination}</div>
                <div role="cell" class="c-src">{r.source}</div>
                <div role="cell" class="c-net">{r.network.toUpperCase()}</div>
                <div role="cell" class="c-rule" title={r.rule} data-testid="conn-rule">
                  {r.rule || t('conn.noRule')}
                </div>
                <div role="cell" class="c-chain" title={r.chain} data-testid="conn-chain">
                  {r.chain}
                </div>
                <div role="cell" class="c-num">{i.bytes(r.upload)}</div>
                <div role="cell" class="c-num">{i.bytes(r.download)}</div>
                <div role="cell" class="c-num">{tab === 'active' ? i.speed(r.downSpeed + r.upSpeed) : r.reason}</div>
                <div role="cell" class="c-num">{i.duration((r.end || now) - r.start)}</div>
                <div role="cell" class="c-act">
                  {tab === 'active' && (
                    <button type="button" class="link danger" aria-label={t('conn.closeOne', { host: r.host })} data-testid="conn-close" onClick={() => void closeIds([r.id])}>
                      ×
                    </button>
                  )}
                </div>
              </>
            )}
          />
        )}
      </div>
    </section>
  );
}
