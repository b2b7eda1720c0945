// An error as the user sees it: its code and message, announced to screen readers.
import type { ShownError } from '../hooks/use-resource.js';
import { useI18n } from '../i18n/context.js';

export function ErrorBox({ error, onDismiss }: { error: ShownError | null; onDismiss?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div class="error-box" role="alert">
      <code class="error-code">{error.code}</code> <span>{error.message}</span>
      {onDismiss && (
        <button type="button" class="link" onClick={onDismiss} aria-label={t('common.dismiss')}>
          ×
        </button>
      )}
    </div>
  );
}
