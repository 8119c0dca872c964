import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { IconAlert, IconCheck } from './Icons';

interface Toast {
  id: number;
  text: string;
  tone: 'success' | 'error' | 'warning';
  action?: ToastAction;
}

/** A button in the toast, e.g. Undo; a toast with one stays 10 s, long enough to reach it. */
export interface ToastAction {
  label: string;
  onClick: () => void;
}

const ToastCtx = createContext<(text: string, tone?: Toast['tone'], action?: ToastAction) => void>(() => {});

let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((text: string, tone: Toast['tone'] = 'success', action?: ToastAction) => {
    const id = nextId++;
    setToasts((t) => [...t, { id, text, tone, action }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), action ? 10000 : tone === 'success' ? 3500 : 6000);
  }, []);
  const dismiss = (id: number) => setToasts((t) => t.filter((x) => x.id !== id));
  return (
    <ToastCtx.Provider value={push}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === 'success' ? undefined : 'alert'}>
            {t.tone === 'success' ? <IconCheck size={16} /> : <IconAlert size={16} />}
            {t.text}
            {t.action && (
              <button
                type="button"
                className="toast-action"
                onClick={() => {
                  dismiss(t.id);
                  t.action!.onClick();
                }}
              >
                {t.action.label}
              </button>
            )}
          </div>
        ))}
      </div>
    </ToastCtx.Provider>
  );
}

export function useToast() {
  return useContext(ToastCtx);
}
