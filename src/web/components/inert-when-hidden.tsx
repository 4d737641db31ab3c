import { type ReactNode, useLayoutEffect, useRef } from 'react';

/**
 * Renders its children, and makes them unfocusable where they are drawn inside an aria-hidden
 * copy. Antd's tables with horizontal scrolling draw every column title twice, once in a hidden
 * measuring row; a select-all checkbox there is a focusable control no screen reader can see
 * (axe aria-hidden-focus). Use it for titles that hold controls: `columnTitle: (c) => ...`.
 */
export function InertWhenHidden({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el?.closest('[aria-hidden="true"]')) el.inert = true;
  });
  return <span ref={ref}>{children}</span>;
}
