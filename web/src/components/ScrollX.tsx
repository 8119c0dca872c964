import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A box that scrolls sideways when its content (a wide table) is wider than the screen, so the page
 * itself never does. While it overflows it is a named, focusable region, so keyboard users can scroll it
 * too (axe's scrollable-region-focusable); otherwise it is a plain div and no extra tab stop.
 */
export function ScrollX({ label, children }: { label?: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [over, setOver] = useState(false);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setOver(el.scrollWidth > el.clientWidth + 1);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    if (el.firstElementChild) ro.observe(el.firstElementChild);
    return () => ro.disconnect();
  }, []);
  return (
    <div
      ref={ref}
      className="table-scroll"
      {...(over ? { tabIndex: 0, role: 'region', 'aria-label': label ?? 'Table (scrolls sideways)' } : {})}
    >
      {children}
    </div>
  );
}
