// A virtualised list with fixed row height: only the rows in view (plus an
// overscan) are in the DOM, so thousands of rows scroll smoothly.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { visibleRange } from '../utils/connections.js';

export function VirtualList<T>(props: {
  items: readonly T[];
  rowHeight: number;
  height: number | string;
  render: (item: T, index: number) => ComponentChildren;
  label: string;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setViewport(el.clientHeight);
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const { start, end } = visibleRange(scrollTop, viewport, props.rowHeight, props.items.length);
  const rows = [];
  for (let i = start; i < end; i++) {
    rows.push(
      <div class="vrow" role="row" style={{ top: `${i * props.rowHeight}px`, height: `${props.rowHeight}px` }} key={i}>
        {props.render(props.items[i]!, i)}
      </div>,
    );
  }
  return (
    <div
      class="vlist"
      ref={ref}
      role="rowgroup"
      aria-label={props.label}
      aria-rowcount={props.items.length}
      data-testid={props.testId}
      style={{ height: props.height }}
      onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
    >
      <div style={{ height: `${props.items.length * props.rowHeight}px`, position: 'relative' }}>{rows}</div>
    </div>
  );
}
