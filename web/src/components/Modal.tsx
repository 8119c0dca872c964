import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { errorMessage } from '../api';
import { FormError } from './Field';
import { IconX } from './Icons';
import { useFocusTrap } from './useFocusTrap';

/** Calls `onClose` when Escape is pressed anywhere on the page (dialogs, drawers, menus). */
export function useEscapeKey(onClose: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
}

export function Modal({
  title,
  onClose,
  children,
  footer,
  width = 480,
  testId,
}: {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  width?: number;
  testId?: string;
}) {
  useEscapeKey(onClose);
  // Focus stays in the dialog while it is open and goes back to the button that opened it.
  const ref = useRef<HTMLDivElement>(null);
  useFocusTrap(ref);
  const titleId = useId();

  return createPortal(
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        style={{ maxWidth: width }}
        data-testid={testId}
      >
        <div className="modal-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
            <IconX />
          </button>
        </div>
        <div className="modal-body">{children}</div>
        {footer && <div className="modal-footer">{footer}</div>}
      </div>
    </div>,
    document.body,
  );
}

/** A confirmation dialog whose confirm action may fail; the failure is shown inside the dialog. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel = 'Confirm',
  danger,
  onConfirm,
  onClose,
  requireText,
}: {
  title: string;
  children: ReactNode;
  confirmLabel?: string;
  danger?: boolean;
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
  /** When set, the user must type this text to enable the button (e.g. a project slug). */
  requireText?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const ok = !requireText || typed === requireText;

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <Modal
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className={danger ? 'btn btn-danger' : 'btn btn-primary'}
            onClick={run}
            disabled={busy || !ok}
            data-testid="confirm-button"
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-text">{children}</div>
      {requireText && (
        <div className="field">
          <label className="field-label" htmlFor="confirm-type">
            Type <code>{requireText}</code> to confirm
          </label>
          <input id="confirm-type" className="input" value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
        </div>
      )}
      <FormError>{error}</FormError>
    </Modal>
  );
}

/**
 * A dialog footer for a form: Cancel, then the submit button of the form `form` (busy: both disabled and
 * the label becomes `busyLabel`), then any `children` (further buttons).
 */
export function FormFooter({
  form,
  busy,
  onCancel,
  label,
  busyLabel = 'Saving…',
  primary = true,
  disabled,
  testId,
  children,
}: {
  form: string;
  busy: boolean;
  onCancel: () => void;
  label: ReactNode;
  busyLabel?: ReactNode;
  /** false: the submit button is secondary (another button is the primary one). */
  primary?: boolean;
  disabled?: boolean;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <>
      <button type="button" className="btn btn-ghost" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
      <button
        type="submit"
        form={form}
        className={primary ? 'btn btn-primary' : 'btn btn-secondary'}
        disabled={busy || disabled}
        data-testid={testId}
      >
        {busy ? busyLabel : label}
      </button>
      {children}
    </>
  );
}
