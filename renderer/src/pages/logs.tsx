// Logs: the live /logs stream (bounded), level filter, search, pause.
import { useMemo, useState } from 'preact/hooks';
import type { ApiLog } from '../../../main/controller/api-types.js';
import { VirtualList } from '../components/virtual-list.js';
import { useStream } from '../hooks/use-stream.js';
import { useI18n } from '../i18n/context.js';

const MAX_LINES = 2000;
const LEVELS = ['debug', 'info', 'warning', 'error'] as const;
type Level = (typeof LEVELS)[number];

interface Line extends ApiLog {
  at: number;
  seq: number;
}

export function LogsPage() {
  const { t } = useI18n();
  const [level, setLevel] = useState<Level>('info');
  const [lines, setLines] = useState<Line[]>([]);
  const [paused, setPaused] = useState(false);
  const [query, setQuery] = useState('');
  const status = useStream<ApiLog>(paused ? null : `/logs?level=${level}`, (batch) => {
    const at = Date.now();
    setLines((old) => {
      const seq0 = old.length ? old[old.length - 1]!.seq + 1 : 0;
      const next = old.concat(batch.map((l, k) => ({ ...l, at, seq: seq0 + k })));
      return next.length > MAX_LINES ? next.slice(next.length - MAX_LINES) : next;
    });
  });
  const shown = useMemo(() => {
    const q = query.toLowerCase();
    const min = LEVELS.indexOf(level);
    return lines.filter((l) => LEVELS.indexOf(l.type) >= min && (!q || l.payload.toLowerCase().includes(q))).reverse();
  }, [lines, query, level]);

  return (
    <section class="page" aria-labelledby="h-logs">
      <h1 id="h-logs">{t('nav.logs')}</h1>
      <div class="toolbar">
        <select aria-label={t('logs.level')} value={level} onChange={(e) => setLevel((e.currentTarget as HTMLSelectElement).value as Level)}>
          {LEVELS.map((l) => (
            <option value={l}>{t(`logs.${l}`)}</option>
          ))}
        </select>
        <input type="search" class="grow" placeholder={t('logs.search')} aria-label={t('logs.search')} value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
        <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          {paused ? t('conn.resume') : t('conn.pause')}
        </button>
        <button type="button" onClick={() => setLines([])}>
          {t('logs.clear')}
        </button>
        <span class="muted small">{t(`stream.${paused ? 'closed' : status}`)}</span>
      </div>
      {shown.length === 0 ? (
        <p class="muted">{t('logs.none')}</p>
      ) : (
        <VirtualList
          items={shown}
          rowHeight={26}
          height="calc(100vh - 200px)"
          label={t('nav.logs')}
          render={(l) => (
            <div class={`log log-${l.type}`}>
              <span class="muted">{new Date(l.at).toLocaleTimeString()}</span> <span class="lvl">{t(`logs.${l.type}`)}</span> <span>{l.payload}</span>
            </div>
          )}
        />
      )}
    </section>
  );
}
