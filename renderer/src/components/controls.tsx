// Small accessible controls: a switch and a segmented radio group.
export function Switch(props: { checked: boolean; label: string; disabled?: boolean; onChange: (v: boolean) => void; testId?: string }) {
  return (
    <label class="switch">
      <input
        type="checkbox"
        role="switch"
        checked={props.checked}
        disabled={props.disabled}
        aria-checked={props.checked}
        data-testid={props.testId}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <span class="switch-track" aria-hidden="true" />
      <span>{props.label}</span>
    </label>
  );
}

export function Segmented<V extends string>(props: {
  value: V;
  options: { value: V; label: string }[];
  label: string;
  disabled?: boolean;
  onChange: (v: V) => void;
  testId?: string;
}) {
  const onKey = (e: KeyboardEvent) => {
    const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
    if (!step || props.disabled) return;
    e.preventDefault();
    const i = props.options.findIndex((o) => o.value === props.value);
    const next = props.options[(i + step + props.options.length) % props.options.length]!;
    // Focus first (the button exists already; tabIndex -1 still takes programmatic focus), then change.
    (e.currentTarget as HTMLElement).querySelector<HTMLButtonElement>(`[data-value="${next.value}"]`)?.focus();
    props.onChange(next.value);
  };
  return (
    <div class="segmented" role="radiogroup" aria-label={props.label} data-testid={props.testId} onKeyDown={onKey}>
      {props.options.map((o) => (
        <button
          type="button"
          role="radio"
          aria-checked={o.value === props.value}
          // Roving focus: Tab reaches the chosen option, arrow keys move the choice (WAI-ARIA radio group).
          tabIndex={o.value === props.value ? 0 : -1}
          class={o.value === props.value ? 'active' : ''}
          disabled={props.disabled}
          data-value={o.value}
          onClick={() => props.onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
