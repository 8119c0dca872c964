import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { IconAlert, IconCheck } from './Icons';

interface Toast {
  id: number;
  text: string;
  tone: 'success' | 'error' | 'warning';
}

const ToastCtx = createContext<(text: string, tone?: Toast['tone']) => void>(() => {});

let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((text: string, tone: Toast['tone'] = 'success') => {
    const id = nextId++;
    setToasts((t) => [...t, { id, text, tone }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), tone === 'success' ? 3500 : 6000);
  }, []);
  return (
    <ToastCtx.Provider value={push}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === 'success' ? undefined : 'alert'}>
            {t.tone === 'success' ? <IconCheck size={16} /> : <IconAlert size={16} />}
            {t.text}
          </div>
        ))}
      </div>
    </ToastCtx.Provider>
  );
}

export function useToast() {
  return useContext(ToastCtx);
}
