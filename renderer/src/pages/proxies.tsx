// Proxies: groups (select a member) and upstreams (latency test).
import { useState } from 'preact/hooks';
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
          </li>
        ))}
      </ul>
    </section>
  );
}
