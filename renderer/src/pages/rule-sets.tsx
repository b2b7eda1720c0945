// Rule sets: providers with entries, last update, last error, update now;
// add (subscription URL, file, inline) and remove through POST /configs/edit.
import type { ApiConfigEditOp } from '../../../main/controller/api-types.js';
import { ErrorBox } from '../components/error-box.js';
import { RuleSetForm } from '../components/rule-set-form.js';
import { useAction, useResource } from '../hooks/use-resource.js';
import { useI18n } from '../i18n/context.js';

export function RuleSetsPage() {
  const i = useI18n();
  const { t } = i;
  const providers = useResource((c) => c.ruleProviders(), [], 10000);
  const action = useAction();
  const editAction = useAction();
  const edit = async (op: ApiConfigEditOp): Promise<boolean> => {
    const ok = !!(await editAction.run((c) => c.editConfig([op])));
    if (ok) {
      await providers.reload();
      // A new subscription without a local copy downloads in the background: look again soon.
      for (const ms of [1000, 3000]) window.setTimeout(() => void providers.reload(), ms);
    }
    return ok;
  };
  const list = Object.values(providers.data?.providers ?? {});
  return (
    <section class="page" aria-labelledby="h-sets">
      <h1 id="h-sets">{t('nav.ruleSets')}</h1>
      <RuleSetForm busy={editAction.busy} error={editAction.error} onSubmit={edit} />
      <ErrorBox error={action.error ?? providers.error} onDismiss={action.clear} />
      {list.length === 0 ? (
        <p class="muted">{providers.loading ? t('common.loading') : t('sets.none')}</p>
      ) : (
        <div class="cards">
          {list.map((p) => (
            <article class="card" data-testid="rule-set" aria-labelledby={`set-${p.name}`}>
              <header class="row">
                <h2 id={`set-${p.name}`}>{p.name}</h2>
                <span class="badge">{t(`sets.vehicle.${p.vehicleType}`)}</span>
                <span class="badge">{p.behavior}</span>
              </header>
              <dl class="kv">
                <dt>{t('sets.entries')}</dt>
                <dd data-testid="rule-set-count">{i.num(p.ruleCount)}</dd>
                <dt>{t('sets.updated')}</dt>
                {/* mihomo sends Go's zero time for "never" */}
                <dd>{p.updatedAt && !p.updatedAt.startsWith('0001') ? i.relative(p.updatedAt) : t('common.never')}</dd>
                {p.url && (
                  <>
                    <dt>{t('sets.url')}</dt>
                    <dd class="ellipsis" title={p.url}>{p.url}</dd>
                  </>
                )}
                {p.interval !== undefined && p.interval > 0 && (
                  <>
                    <dt>{t('sets.interval')}</dt>
                    <dd>{i.duration(p.interval * 1000)}</dd>
                  </>
                )}
                <dt>{t('sets.lastError')}</dt>
                <dd class={p.lastError ? 'bad' : 'muted'}>{p.lastError || t('common.none')}</dd>
              </dl>
              {p.vehicleType !== 'Inline' && (
                <button type="button" disabled={action.busy} onClick={() => void action.run((c) => c.updateRuleProvider(p.name)).then(() => providers.reload())} data-testid="set-update">
                  {t('sets.updateNow')}
                </button>
              )}{' '}
              <button type="button" class="danger" disabled={editAction.busy} onClick={() => void edit({ op: 'rule-provider.delete', name: p.name })} data-testid="set-remove">
                {t('sets.remove')}
              </button>
            </article>
          ))}
        </div>
      )}
    </section>
  );
}
