// "System proxy" (Settings and first run): points the desktop's proxy
// settings at the mixed port through the Electron bridge. Shown only when the
// shell provides it; says plainly that full capture needs the service.
import { useEffect, useState } from 'preact/hooks';
import { systemProxyBridge, type SystemProxyStatus } from '../services/system-proxy.js';
import { useI18n } from '../i18n/context.js';
import { Switch } from './controls.js';
import { ErrorBox } from './error-box.js';
import { toShownError, type ShownError } from '../hooks/use-resource.js';

export function SystemProxyCard() {
  const { t } = useI18n();
  const bridge = systemProxyBridge();
  const [status, setStatus] = useState<SystemProxyStatus | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    bridge?.status().then(setStatus, (e: unknown) => setError(shown(e)));
  }, [bridge]);
  if (!bridge) return null;
  const toggle = async (on: boolean) => {
    setBusy(true);
    try {
      setStatus(await (on ? bridge.on() : bridge.off()));
      setError(null);
    } catch (e) {
      setError(shown(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="card" data-testid="sysproxy">
      <h2>{t('sysproxy.title')}</h2>
      <Switch label={status?.enabled ? t('sysproxy.on', { port: status.port ?? '' }) : t('sysproxy.off')} checked={!!status?.enabled} disabled={busy || !status} onChange={(on) => void toggle(on)} testId="sysproxy-toggle" />
      <p class="muted small">{t('sysproxy.note')}</p>
      <ErrorBox error={error} onDismiss={() => setError(null)} />
    </div>
  );
}

/** Bridge errors arrive as plain Errors whose message starts with the code (`SY_ERR_…: …`). */
function shown(e: unknown): ShownError {
  const s = toShownError(e);
  const m = /^(SY_ERR_\w+):\s*(.*)$/s.exec(s.message);
  return m ? { code: m[1]!, message: m[2]! } : s;
}
