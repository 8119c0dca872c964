import { useState } from 'react';

/**
 * The busy flag and error of a dialog's save. `run(fn)` marks it busy and runs `fn`; a failure is kept in
 * `error` and ends the busy state (a success is expected to close the dialog, so busy stays on).
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
