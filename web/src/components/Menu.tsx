// A small action menu ("⋯") rendered in a portal with fixed positioning, so table cards that
// clip their overflow do not cut it off.
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { IconMore, IconX } from './Icons';
import { useEscapeKey } from './Modal';
import { useFocusTrap } from './useFocusTrap';

export interface MenuItem {
  label: string;
  icon?: ReactNode;
  onSelect: () => void;
  danger?: boolean;
  hidden?: boolean;
  testId?: string;
}

export function ActionMenu({ items, label = 'More actions', testId }: { items: MenuItem[]; label?: string; testId?: string }) {
  const [open, setOpen] = useState(false);
  const [pos, setPos] = useState<{ top: number; left: number; up: boolean } | null>(null);
  const btnRef = useRef<HTMLButtonElement>(null);
  const popRef = useRef<HTMLDivElement>(null);
  const shown = items.filter((i) => !i.hidden);

  useLayoutEffect(() => {
    if (!open || !btnRef.current) return;
    const r = btnRef.current.getBoundingClientRect();
    const approxH = shown.length * 36 + 12;
    const up = r.bottom + approxH > window.innerHeight - 8;
    setPos({ top: up ? r.top - 6 : r.bottom + 6, left: r.right, up });
  }, [open, shown.length]);

  useEffect(() => {
    if (!open) return;
    const close = () => setOpen(false);
    const onDoc = (e: MouseEvent) => {
      const t = e.target as Node;
      if (popRef.current?.contains(t) || btnRef.current?.contains(t)) return;
      close();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      close();
      btnRef.current?.focus();
    };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    window.addEventListener('scroll', close, true);
    window.addEventListener('resize', close);
    return () => {
      document.removeEventListener('mousedown', onDoc);
      document.removeEventListener('keydown', onKey);
      window.removeEventListener('scroll', close, true);
      window.removeEventListener('resize', close);
    };
  }, [open]);

  // Opened from the keyboard or not, the first item gets focus so the arrows and Enter work at once.
  useEffect(() => {
    if (open && pos) popRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open, pos]);

  const onMenuKey = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    const items = [...(popRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    const to = e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowUp' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : null;
    if (to !== null) {
      e.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    } else if (e.key === 'Tab') {
      setOpen(false);
      btnRef.current?.focus();
    }
  };

  if (shown.length === 0) return null;
  return (
    <>
      <button
        ref={btnRef}
        type="button"
        className="icon-btn"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid={testId}
      >
        <IconMore />
      </button>
      {open &&
        pos &&
        createPortal(
          <div
            ref={popRef}
            className="action-menu"
            role="menu"
            aria-label={label}
            onKeyDown={onMenuKey}
            style={{ top: pos.top, left: pos.left, transform: `translate(-100%, ${pos.up ? '-100%' : '0'})` }}
          >
            {shown.map((i) => (
              <button
                key={i.label}
                type="button"
                role="menuitem"
                className={`menu-item ${i.danger ? 'danger-text' : ''}`}
                data-testid={i.testId}
                tabIndex={-1}
                onClick={() => {
                  setOpen(false);
                  // Focus goes back to the ⋯ button first, so a dialog opened by the item returns it there.
                  btnRef.current?.focus();
                  i.onSelect();
                }}
              >
                {i.icon}
                {i.label}
              </button>
            ))}
          </div>,
          document.body,
        )}
    </>
  );
}

/** A panel sliding in from the right (account details). */
export function Drawer({ title, onClose, children, width = 520 }: { title: ReactNode; onClose: () => void; children: ReactNode; width?: number }) {
  useEscapeKey(onClose);
  const ref = useRef<HTMLElement>(null);
  useFocusTrap(ref);
  const titleId = useId();
  return createPortal(
    <div className="drawer-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <aside
        ref={ref}
        className="drawer"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        style={{ width }}
        data-testid="account-drawer"
      >
        <div className="drawer-header">
          <div className="drawer-title" id={titleId}>
            {title}
          </div>
          <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
            <IconX />
          </button>
        </div>
        <div className="drawer-body">{children}</div>
      </aside>
    </div>,
    document.body,
  );
}
