// Asks before leaving a page with unsaved edits (issue 13 item 4): closing or reloading the tab (the
// browser's own prompt), and every in-app navigation — links, navigate() calls and the browser's back
// and forward buttons — through react-router's useBlocker. Only a change of page counts: a page that
// keeps its filters in the query string does not ask when they change.
//
// A page that saves and then navigates at once is blocked for one render (the blocker still saw the
// old `dirty`); once the page re-renders clean the navigation goes on without a question.
import { useEffect, type ReactNode } from 'react';
import { useBlocker } from 'react-router';
import { Modal } from './Modal';

export function useUnsavedChanges(dirty: boolean, what = 'your changes'): ReactNode {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  // Saved (or reverted) while the question was open: nothing is lost any more, so go on.
  useEffect(() => {
    if (blocker.state === 'blocked' && !dirty) blocker.proceed();
  }, [blocker, dirty]);

  if (blocker.state !== 'blocked' || !dirty) return null;
  return (
    <Modal
      title="Leave without saving?"
      testId="unsaved-changes"
      onClose={() => blocker.reset()}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={() => blocker.reset()} data-testid="stay">
            Stay on this page
          </button>
          <button type="button" className="btn btn-danger" data-testid="leave" onClick={() => blocker.proceed()}>
            Leave and discard
          </button>
        </>
      }
    >
      <p>You have unsaved changes. If you leave now, {what} will be lost.</p>
    </Modal>
  );
}
