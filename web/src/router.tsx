// The dashboard's routing helpers, implemented over react-router's data router (App.tsx builds it and
// calls bindRouter). Pages keep using these four names, so they do not depend on react-router's API:
// `navigate` works outside components (event handlers, effects), `usePath` is the current pathname,
// `match` tests a "/projects/:id/settings" pattern, `Link` is an in-app link.
import type { AnchorHTMLAttributes } from 'react';
import { Link as RouterLink, matchPath, useLocation, type createBrowserRouter } from 'react-router';

type AppRouter = ReturnType<typeof createBrowserRouter>;

let router: AppRouter | null = null;

/** Called once by App.tsx with the router it renders. */
export function bindRouter(r: AppRouter): void {
  router = r;
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (!router) {
    location.assign(to);
    return;
  }
  const here = router.state.location;
  if (to === here.pathname + here.search) return;
  void router.navigate(to, { replace: opts.replace });
}

export function usePath(): string {
  return useLocation().pathname;
}

/** Matches "/projects/:id/settings" style patterns (the whole path); returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const m = matchPath({ path: pattern, end: true }, path.replace(/\/+$/, '') || '/');
  if (!m) return null;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.params)) if (v !== undefined) params[k] = v;
  return params;
}

export function Link({ to, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  return <RouterLink to={to} {...rest} />;
}
