// Import a profile: a subscription URL (with an auto-update interval) or a
// local file read in the browser and sent as its text. Used by the Profiles
// page and the first-run setup.
import { useState } from 'preact/hooks';
import type { ApiProfile } from '../../../main/controller/api-types.js';
import { useAction } from '../hooks/use-resource.js';
import { useI18n } from '../i18n/context.js';
import { ErrorBox } from './error-box.js';

export function ProfileImport(props: { onImported: (p: ApiProfile) => void | Promise<void>; activate?: boolean }) {
  const { t } = useI18n();
  const action = useAction();
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [hours, setHours] = useState('24');
  const done = async (p: ApiProfile | undefined) => {
    if (!p) return;
    const final = props.activate ? await action.run((c) => c.activateProfile(p.id)) : p;
    if (!final) return;
    setUrl('');
    setName('');
    await props.onImported(final);
  };
  const fromFile = async (file: File | undefined) => {
    if (!file) return;
    const payload = await file.text();
    await done(await action.run((c) => c.addProfile({ payload, name: name.trim() || file.name.replace(/\.ya?ml$/i, '') })));
  };
  return (
    <form
      class="card"
      aria-labelledby="h-prof-import"
      data-testid="profile-import"
      onSubmit={(e) => {
        e.preventDefault();
        const interval = Math.max(0, Math.round((Number.parseFloat(hours) || 0) * 3600));
        void action.run((c) => c.addProfile({ url: url.trim(), interval, ...(name.trim() ? { name: name.trim() } : {}) })).then(done);
      }}
    >
      <h2 id="h-prof-import">{t('profiles.importTitle')}</h2>
      <div class="toolbar">
        <input class="grow" type="url" required aria-label={t('profiles.url')} placeholder={t('profiles.urlHint')} value={url} onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} data-testid="profile-url" />
        <input aria-label={t('profiles.name')} placeholder={t('profiles.nameOptional')} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} data-testid="profile-name" />
        <label class="inline">
          {t('profiles.intervalHours')}
          <input class="narrow" type="number" min={0} step="any" value={hours} onInput={(e) => setHours((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary" disabled={action.busy} data-testid="profile-import-url">
          {t('profiles.import')}
        </button>
      </div>
      <div class="toolbar">
        <span class="muted">{t('profiles.fromFile')}</span>
        {/* The native file input's own text follows the browser's language, not ours: a translated button instead. */}
        <label class="file-button">
          {t('profiles.chooseFile')}
          <input type="file" class="sr-only" accept=".yaml,.yml,text/yaml" disabled={action.busy} onChange={(e) => void fromFile((e.currentTarget as HTMLInputElement).files?.[0])} data-testid="profile-file" />
        </label>
      </div>
      {action.busy && <p class="muted small">{t('profiles.downloading')}</p>}
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </form>
  );
}
