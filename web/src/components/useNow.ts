import { useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs` (for clocks, countdowns and "5 minutes ago"). */
export function useNow(intervalMs = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
