// Keeps keyboard focus inside an open dialog, drawer or navigation panel, and gives it back to the
// element that had it (the button that opened the panel) when the panel closes.
import { useCallback, useEffect, useRef, useSyncExternalStore, type RefObject } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The open traps, innermost last: only the innermost one handles Tab (a confirm over a drawer). */
const stack: HTMLElement[] = [];

function tabbable(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0 && !el.closest('[inert]'));
}

/**
 * While `active`, Tab and Shift+Tab cycle inside `ref`. On activation focus moves into the panel (the
 * element already focused inside it, e.g. an autoFocus field, or else the panel itself, which needs
 * tabIndex={-1}); on deactivation it returns to whatever had it before, if that is still on the page.
 */
export function useFocusTrap(ref: RefObject<HTMLElement | null>, active = true): void {
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const root = ref.current;
    if (!active || !root) return;
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    stack.push(root);
    if (!root.contains(document.activeElement)) root.focus({ preventScroll: true });

    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Tab' || stack[stack.length - 1] !== root) return;
      const items = tabbable(root);
      if (items.length === 0) {
        e.preventDefault();
        root.focus();
        return;
      }
      const first = items[0]!;
      const last = items[items.length - 1]!;
      const at = document.activeElement;
      const inside = root.contains(at);
      if (e.shiftKey && (!inside || at === first || at === root)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (!inside || at === last)) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      const i = stack.lastIndexOf(root);
      if (i >= 0) stack.splice(i, 1);
      const back = opener.current;
      opener.current = null;
      // Only when focus is still in the closing panel (or lost to <body>), so a click elsewhere keeps its target.
      const lost = !document.activeElement || document.activeElement === document.body || root.contains(document.activeElement);
      if (back && back.isConnected && lost) back.focus({ preventScroll: true });
    };
  }, [ref, active]);
}

/** Tracks a CSS media query (e.g. the width below which the sidebar folds into a drawer). */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (cb: () => void) => {
      const m = window.matchMedia(query);
      m.addEventListener('change', cb);
      return () => m.removeEventListener('change', cb);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches);
}
