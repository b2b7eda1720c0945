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
  return (
    <div class="segmented" role="radiogroup" aria-label={props.label} data-testid={props.testId}>
      {props.options.map((o) => (
        <button
          type="button"
          role="radio"
          aria-checked={o.value === props.value}
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
