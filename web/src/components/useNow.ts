import { useEffect, useState } from 'react';
import { serverNow } from './format';

/** The core's current time (format.ts serverNow), refreshed every `intervalMs` (for clocks, countdowns and "5 minutes ago"). */
export function useNow(intervalMs = 1000): Date {
  const [now, setNow] = useState(() => new Date(serverNow()));
  useEffect(() => {
    const t = setInterval(() => setNow(new Date(serverNow())), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
