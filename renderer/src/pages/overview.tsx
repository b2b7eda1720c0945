// Overview: live traffic, totals, connections, memory, mode, capture/gateway, upstream health.
import type { ApiConnections, ApiMemory, ApiMode, ApiProxy } from '../../../main/controller/api-types.js';
import { Segmented, Switch } from '../components/controls.js';
import { ErrorBox } from '../components/error-box.js';
import { TrafficChart } from '../components/traffic-chart.js';
import { useAction, useResource } from '../hooks/use-resource.js';
import { useLatest } from '../hooks/use-stream.js';
import { useTraffic } from '../hooks/use-traffic.js';
import { useI18n } from '../i18n/context.js';

export function OverviewPage() {
  const i = useI18n();
  const { t } = i;
  const traffic = useTraffic();
  const memory = useLatest<ApiMemory>('/memory');
  const conns = useLatest<ApiConnections>('/connections?interval=1000');
  const configs = useResource((c) => c.configs(), [], 5000);
  const proxies = useResource((c) => c.proxies(), [], 10000);
  const action = useAction();
  const cfg = configs.data;
  const cap = cfg?.capture;

  const patch = async (body: Record<string, unknown>) => {
    await action.run((c) => c.patchConfigs(body));
    await configs.reload();
  };
  const upstreams: ApiProxy[] = Object.values(proxies.data?.proxies ?? {}).filter((p) => !p.all && !['Direct', 'Reject', 'RejectDrop', 'Pass', 'Compatible'].includes(p.type));

  return (
    <section class="page" aria-labelledby="h-overview">
      <h1 id="h-overview">{t('nav.overview')}</h1>
      <ErrorBox error={configs.error ?? action.error} onDismiss={action.clear} />
      <div class="grid stats">
        <Stat label={t('overview.upload')} value={i.speed(traffic.last?.up ?? 0)} sub={t('overview.total', { value: i.bytes(traffic.last?.upTotal ?? conns.value?.uploadTotal ?? 0) })} />
        <Stat label={t('overview.download')} value={i.speed(traffic.last?.down ?? 0)} sub={t('overview.total', { value: i.bytes(traffic.last?.downTotal ?? conns.value?.downloadTotal ?? 0) })} />
        <Stat label={t('overview.connections')} value={i.num(conns.value?.connections.length ?? 0)} testId="stat-connections" />
        <Stat label={t('overview.memory')} value={i.bytes(memory.value?.inuse || conns.value?.memory || 0)} />
      </div>
      <div class="card">
        <h2>{t('overview.traffic')}</h2>
        <TrafficChart series={traffic.series} />
      </div>
      <div class="grid two">
        <div class="card">
          <h2>{t('overview.mode')}</h2>
          <Segmented<ApiMode>
            label={t('overview.mode')}
            testId="mode-switch"
            value={cfg?.mode ?? 'rule'}
            // Not disabled while a change is in flight: a disabled button would drop the keyboard focus.
            disabled={!cfg}
            options={(cfg?.['mode-list'] ?? ['rule', 'global', 'direct']).map((m) => ({ value: m, label: t(`mode.${m}`) }))}
            onChange={(m) => void patch({ mode: m })}
          />
          <p class="muted small">{t(`mode.${cfg?.mode ?? 'rule'}.hint`)}</p>
        </div>
        <div class="card">
          <h2>{t('overview.capture')}</h2>
          <Switch
            label={t('overview.captureLocal')}
            checked={!!cap?.enable}
            disabled={!cap || action.busy}
            testId="capture-toggle"
            onChange={(v) => void patch({ capture: { enable: v } })}
          />
          <Switch
            label={t('overview.gateway')}
            checked={!!cap?.enable && !!cap.lan}
            disabled={!cap || action.busy}
            testId="gateway-toggle"
            onChange={(v) => void patch({ capture: v ? { enable: true, lan: true } : { lan: false } })}
          />
          <p class="small" data-testid="capture-state">
            {!cap ? t('overview.captureUnknown') : cap.error ? <span class="bad">{t('overview.captureError', { error: cap.error })}</span> : cap.installed ? t('overview.captureInstalled') : t('overview.captureNotInstalled')}
          </p>
        </div>
      </div>
      <div class="card">
        <h2>{t('overview.upstreams')}</h2>
        {upstreams.length === 0 ? (
          <p class="muted">{t('overview.noUpstreams')}</p>
        ) : (
          <ul class="health">
            {upstreams.map((p) => {
              const last = p.history[p.history.length - 1];
              return (
                <li>
                  <span class={`dot ${p.alive ? 'ok' : 'bad'}`} aria-hidden="true" />
                  <strong>{p.name}</strong> <span class="muted">{p.server ? `${p.server}:${p.port ?? ''}` : p.type}</span>{' '}
                  <span>{p.alive ? (last && last.delay > 0 ? i.latency(last.delay) : t('proxies.alive')) : t('proxies.down')}</span>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </section>
  );
}

function Stat(props: { label: string; value: string; sub?: string; testId?: string }) {
  return (
    <div class="card stat">
      <div class="muted small">{props.label}</div>
      <div class="stat-value" data-testid={props.testId}>
        {props.value}
      </div>
      {props.sub && <div class="muted small">{props.sub}</div>}
    </div>
  );
}
