// Proxies: groups (select a member) and upstreams (latency test); add or edit
// a SOCKS5 upstream and put it in a select group (POST /configs/edit).
import { useMemo, useState } from 'preact/hooks';
import type { ApiConfigEditOp } from '../../../main/controller/api-types.js';
import { SocksForm, type SocksFields } from '../components/socks-form.js';
import { proxiesOf } from '../utils/rule-line.js';
import type { ApiProxy } from '../../../main/controller/api-types.js';
import { ErrorBox } from '../components/error-box.js';
import { useAction, useResource } from '../hooks/use-resource.js';
import { useI18n } from '../i18n/context.js';

const TEST_URL = 'http://www.gstatic.com/generate_204';
const BUILTIN = new Set(['Direct', 'Reject', 'RejectDrop', 'Pass', 'Compatible']);

export function ProxiesPage() {
  const i = useI18n();
  const { t } = i;
  const proxies = useResource((c) => c.proxies(), [], 10000);
  const action = useAction();
  const editAction = useAction();
  const raw = useResource((c) => c.configRaw(), []);
  const defined = useMemo(() => proxiesOf(raw.data?.payload ?? ''), [raw.data]);
  const [editing, setEditing] = useState<SocksFields | null>(null);
  const edit = async (ops: ApiConfigEditOp[]): Promise<boolean> => {
    const r = await editAction.run((c) => c.editConfig(ops));
    if (!r) return false;
    raw.setData(r);
    setEditing(null);
    await proxies.reload();
    return true;
  };
  const startEdit = (name: string) => {
    const p = defined[name] ?? {};
    const s = (k: string) => (p[k] === undefined ? '' : String(p[k]));
    setEditing({ name, server: s('server'), port: s('port') || '1080', username: s('username'), password: s('password'), udp: p.udp === true });
  };
  const [delays, setDelays] = useState<Record<string, number | 'testing' | 'failed'>>({});
  const all = proxies.data?.proxies ?? {};
  const groups = Object.values(all).filter((p) => p.all && !p.hidden && p.name !== 'GLOBAL');
  const upstreams = Object.values(all).filter((p) => !p.all && !BUILTIN.has(p.type));

  const test = async (p: ApiProxy) => {
    setDelays((d) => ({ ...d, [p.name]: 'testing' }));
    const r = await action.run((c) => c.delay(p.name, p.testUrl || TEST_URL, 5000));
    setDelays((d) => ({ ...d, [p.name]: r ? r.delay : 'failed' }));
  };
  const delayText = (name: string): string => {
    const d = delays[name];
    if (d === undefined) {
      const h = all[name]?.history;
      const last = h?.[h.length - 1];
      return last && last.delay > 0 ? i.latency(last.delay) : '';
    }
    return d === 'testing' ? t('proxies.testing') : d === 'failed' || d <= 0 ? t('proxies.timeout') : i.latency(d);
  };

  return (
    <section class="page" aria-labelledby="h-proxies">
      <h1 id="h-proxies">{t('nav.proxies')}</h1>
      <ErrorBox error={action.error ?? proxies.error} onDismiss={action.clear} />
      <h2>{t('proxies.groups')}</h2>
      {groups.length === 0 && <p class="muted">{t('proxies.noGroups')}</p>}
      <div class="cards">
        {groups.map((g) => (
          <article class="card" aria-labelledby={`g-${g.name}`}>
            <header class="row">
              <h3 id={`g-${g.name}`}>{g.name}</h3>
              <span class="badge">{g.type}</span>
              {g.now && <span class="muted small">{t('proxies.now', { name: g.now })}</span>}
            </header>
            <div class="members" role="radiogroup" aria-label={g.name}>
              {(g.all ?? []).map((m) => (
                <button
                  type="button"
                  role="radio"
                  aria-checked={g.now === m}
                  class={g.now === m ? 'member active' : 'member'}
                  disabled={g.type !== 'Selector' || action.busy}
                  onClick={() => void action.run((c) => c.selectProxy(g.name, m)).then(() => proxies.reload())}
                >
                  <span>{m}</span>
                  <span class="muted small">{delayText(m)}</span>
                </button>
              ))}
            </div>
          </article>
        ))}
      </div>
      <SocksForm
        key={editing ? `edit-${editing.name}` : 'new'}
        initial={editing}
        groups={groups.filter((g) => g.type === 'Selector').map((g) => g.name)}
        busy={editAction.busy}
        error={editAction.error}
        onSubmit={edit}
        onCancel={() => setEditing(null)}
      />
      <h2>{t('proxies.upstreams')}</h2>
      {upstreams.length === 0 && <p class="muted">{t('overview.noUpstreams')}</p>}
      <ul class="list">
        {upstreams.map((p) => (
          <li class="row">
            <span class={`dot ${p.alive ? 'ok' : 'bad'}`} aria-hidden="true" />
            <strong>{p.name}</strong>
            <span class="badge">{p.type}</span>
            <span class="muted">{p.server ? `${p.server}:${p.port ?? ''}` : ''}</span>
            <span class="muted">{p.udp ? 'UDP' : ''}</span>
            <span class="grow" />
            <span>{delayText(p.name)}</span>
            <button type="button" onClick={() => void test(p)} aria-label={t('proxies.testOne', { name: p.name })}>
              {t('proxies.test')}
            </button>
            {p.type === 'Socks5' && defined[p.name] && (
              <>
                <button type="button" onClick={() => startEdit(p.name)} aria-label={t('proxies.editOne', { name: p.name })} data-testid="socks-edit">
                  {t('rules.edit')}
                </button>
                <button type="button" class="danger" disabled={editAction.busy} onClick={() => void edit([{ op: 'proxy.delete', name: p.name }])} aria-label={t('proxies.deleteOne', { name: p.name })}>
                  {t('rules.delete')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
