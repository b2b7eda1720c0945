// Profiles (docs/profiles.md): whole configs from a subscription URL or a
// file. Import, update now, auto-update interval, usage from
// `subscription-userinfo`, switch the active one, delete, and the user's
// override (kept across updates) edited as YAML.
import { useState } from 'preact/hooks';
import type { ApiProfile } from '../../../main/controller/api-types.js';
import { ErrorBox } from '../components/error-box.js';
import { ProfileImport } from '../components/profile-import.js';
import { useAction, useResource } from '../hooks/use-resource.js';
import { useI18n } from '../i18n/context.js';
import { usageOf } from '../utils/usage.js';

export function ProfilesPage() {
  const { t } = useI18n();
  const list = useResource((c) => c.profiles(), [], 15000);
  const action = useAction();
  const profiles = list.data?.profiles ?? [];
  return (
    <section class="page" aria-labelledby="h-profiles">
      <h1 id="h-profiles">{t('nav.profiles')}</h1>
      <p class="muted small">{t('profiles.intro')}</p>
      <ProfileImport onImported={() => list.reload()} />
      <ErrorBox error={action.error ?? list.error} onDismiss={action.clear} />
      {profiles.length === 0 ? (
        <p class="muted">{list.loading ? t('common.loading') : t('profiles.none')}</p>
      ) : (
        <div class="cards">
          {profiles.map((p) => (
            <ProfileCard p={p} busy={action.busy} run={(fn) => void action.run(fn).then(() => list.reload())} />
          ))}
        </div>
      )}
    </section>
  );
}

type Run = (fn: Parameters<ReturnType<typeof useAction>['run']>[0]) => void;

function ProfileCard({ p, busy, run }: { p: ApiProfile; busy: boolean; run: Run }) {
  const i = useI18n();
  const { t } = i;
  const usage = usageOf(p.userinfo);
  const [hours, setHours] = useState(String(p.interval / 3600));
  const [override, setOverride] = useState<string | null>(null);
  const ov = useAction();
  return (
    <article class="card" data-testid="profile" data-profile={p.name} aria-labelledby={`prof-${p.id}`}>
      <header class="row">
        <h2 id={`prof-${p.id}`}>{p.name}</h2>
        <span class="badge">{t(`profiles.type.${p.type}`)}</span>
        {p.active && <span class="badge ok" data-testid="profile-active">{t('profiles.active')}</span>}
        {p.override && <span class="badge">{t('profiles.hasOverride')}</span>}
      </header>
      <dl class="kv">
        {p.url && (
          <>
            <dt>{t('profiles.url')}</dt>
            <dd class="ellipsis" title={p.url}>{p.url}</dd>
          </>
        )}
        <dt>{t('profiles.updated')}</dt>
        <dd>{p.updated ? i.relative(p.updated) : t('common.never')}</dd>
        {usage && (
          <>
            <dt>{t('profiles.usage')}</dt>
            <dd data-testid="profile-usage">
              {usage.total > 0 ? t('profiles.usedOf', { used: i.bytes(usage.used), total: i.bytes(usage.total) }) : t('profiles.used', { used: i.bytes(usage.used) })}
              {usage.fraction !== null && (
                <div class="usage" role="progressbar" aria-label={t('profiles.usage')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(usage.fraction * 100)}>
                  <span style={{ width: `${(usage.fraction * 100).toFixed(1)}%` }} />
                </div>
              )}
            </dd>
            <dt>{t('profiles.expires')}</dt>
            <dd>{usage.expires ? new Date(usage.expires).toLocaleDateString(i.locale) : t('common.never')}</dd>
          </>
        )}
        <dt>{t('sets.lastError')}</dt>
        <dd class={p.error ? 'bad' : 'muted'} data-testid="profile-error">{p.error ? `${p.error.code}: ${p.error.message}` : t('common.none')}</dd>
      </dl>
      <div class="toolbar">
        {!p.active && (
          <button type="button" class="primary" disabled={busy} onClick={() => run((c) => c.activateProfile(p.id))} data-testid="profile-activate">
            {t('profiles.use')}
          </button>
        )}
        {p.type !== 'local' && (
          <button type="button" disabled={busy} onClick={() => run((c) => c.updateProfile(p.id))} data-testid="profile-update">
            {t('sets.updateNow')}
          </button>
        )}
        {p.type === 'url' && (
          <label class="inline">
            {t('profiles.intervalHours')}
            <input class="narrow" type="number" min={0} step="any" value={hours} onInput={(e) => setHours((e.currentTarget as HTMLInputElement).value)} />
            <button type="button" disabled={busy} onClick={() => run((c) => c.patchProfile(p.id, { interval: Math.max(0, Math.round((Number.parseFloat(hours) || 0) * 3600)) }))}>
              {t('common.apply')}
            </button>
          </label>
        )}
        <button type="button" disabled={ov.busy} onClick={() => void ov.run((c) => c.profileOverride(p.id)).then((r) => r && setOverride(r.payload))} data-testid="profile-override-open">
          {t('profiles.editOverride')}
        </button>
        {!p.active && (
          <button type="button" class="danger" disabled={busy} onClick={() => run((c) => c.removeProfile(p.id))} data-testid="profile-remove">
            {t('rules.delete')}
          </button>
        )}
      </div>
      {override !== null && (
        <div data-testid="profile-override">
          <p class="muted small">{t('profiles.overrideHint')}</p>
          <textarea rows={10} aria-label={t('profiles.editOverride')} value={override} onInput={(e) => setOverride((e.currentTarget as HTMLTextAreaElement).value)} />
          <div class="toolbar">
            <button type="button" class="primary" disabled={ov.busy} onClick={() => void ov.run((c) => c.putProfileOverride(p.id, override)).then((r) => r && setOverride(null))} data-testid="profile-override-save">
              {t('rules.save')}
            </button>
            <button type="button" onClick={() => setOverride(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      <ErrorBox error={ov.error} onDismiss={ov.clear} />
    </article>
  );
}
