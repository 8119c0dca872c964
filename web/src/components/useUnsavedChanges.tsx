// Asks before leaving a page with unsaved edits (issue 13 item 4): closing or reloading the tab
// (the browser's own prompt) and in-app links. The router has no blocking hook, so links are caught
// in the capture phase, before the router's Link sees the click: Link skips clicks whose default is
// prevented. Programmatic navigate() calls and the browser's back button are not caught.
import { useEffect, useState, type ReactNode } from 'react';
import { navigate } from '../router';
import { Modal } from './Modal';

export function useUnsavedChanges(dirty: boolean, what = 'your changes'): ReactNode {
  const [pending, setPending] = useState<string | null>(null);

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (!a || a.target === '_blank' || a.origin !== location.origin) return;
      const to = a.pathname + a.search;
      if (to === location.pathname + location.search) return;
      e.preventDefault();
      e.stopPropagation();
      setPending(to);
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, [dirty]);

  if (!pending) return null;
  return (
    <Modal
      title="Leave without saving?"
      testId="unsaved-changes"
      onClose={() => setPending(null)}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={() => setPending(null)} data-testid="stay">
            Stay on this page
          </button>
          <button
            type="button"
            className="btn btn-danger"
            data-testid="leave"
            onClick={() => {
              const to = pending;
              setPending(null);
              navigate(to);
            }}
          >
            Leave and discard
          </button>
        </>
      }
    >
      <p>You have unsaved changes. If you leave now, {what} will be lost.</p>
    </Modal>
  );
}
