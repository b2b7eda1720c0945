// Shows whether the dashboard's streams are live (shares the /traffic socket with the Overview).
import type { ApiTraffic } from '../../../main/controller/api-types.js';
import { useStream } from '../hooks/use-stream.js';
import { useI18n } from '../i18n/context.js';

export function LiveBadge() {
  const { t } = useI18n();
  const status = useStream<ApiTraffic>('/traffic', () => {});
  return (
    <div class={`live-badge ${status}`} role="status" aria-live="polite" data-testid="live-badge">
      <span class={`dot ${status === 'open' ? 'ok' : 'bad'}`} aria-hidden="true" /> {t(`stream.${status}`)}
    </div>
  );
}
