// Small shared widgets: badges, spinners, banners, empty states, page headers, avatars, list tables.
import type { ReactNode } from 'react';
import type { Role } from '../api';
import { IconAlert } from './Icons';
import { ScrollX } from './ScrollX';

export function Spinner({ label }: { label?: string }) {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" />
      {label && <span className="muted">{label}</span>}
    </span>
  );
}

export function PageLoading() {
  return (
    <div className="page-loading">
      <Spinner label="Loading…" />
    </div>
  );
}

type Tone = 'green' | 'blue' | 'violet' | 'gray' | 'amber' | 'red';

export function Badge({ tone = 'gray', children, dot }: { tone?: Tone; children: ReactNode; dot?: boolean }) {
  return (
    <span className={`badge badge-${tone}`}>
      {dot && <span className="badge-dot" />}
      {children}
    </span>
  );
}

const roleTone: Record<Role, Tone> = { owner: 'violet', manager: 'blue', viewer: 'gray' };

/** Role names are capitalised wherever they are shown: Owner, Manager, Viewer (issue 13 item 9). */
export function roleLabel(role: string): string {
  return role ? role.charAt(0).toUpperCase() + role.slice(1) : role;
}

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={roleTone[role] ?? 'gray'}>{roleLabel(role)}</Badge>;
}

export function ErrorBanner({ children, title }: { children: ReactNode; title?: string }) {
  return (
    <div className="banner banner-error" role="alert">
      <IconAlert size={18} />
      <div>
        {title && <strong>{title} </strong>}
        {children}
      </div>
    </div>
  );
}

export function InfoBanner({ children, icon }: { children: ReactNode; icon?: ReactNode }) {
  return (
    <div className="banner banner-info">
      {icon}
      <div>{children}</div>
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state">
      <div className="empty-title">{title}</div>
      {children && <div className="empty-body">{children}</div>}
      {action && <div className="empty-action">{action}</div>}
    </div>
  );
}

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="page-subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Card({
  title,
  subtitle,
  actions,
  children,
  className,
  flush,
}: {
  title?: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  flush?: boolean;
}) {
  return (
    <section className={`card ${className ?? ''}`}>
      {(title || actions) && (
        <div className="card-header">
          <div>
            {title && <h2 className="card-title">{title}</h2>}
            {subtitle && <p className="card-subtitle">{subtitle}</p>}
          </div>
          {actions && <div className="card-actions">{actions}</div>}
        </div>
      )}
      <div className={flush ? 'card-body flush' : 'card-body'}>{children}</div>
    </section>
  );
}

// The 700 shades of the earlier palette: white initials need 4.5:1 (the 500 shades gave 2.1-3.8:1).
const avatarColors = ['#0369a1', '#6d28d9', '#b45309', '#047857', '#b91c1c', '#be185d', '#4338ca', '#0f766e'];

export function Avatar({ name, size = 28 }: { name: string; size?: number }) {
  const initials =
    name
      .split(/[\s@._-]+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((s) => s[0]!.toUpperCase())
      .join('') || '?';
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return (
    <span
      className="avatar"
      style={{ width: size, height: size, fontSize: size * 0.4, background: avatarColors[h % avatarColors.length] }}
      aria-hidden="true"
    >
      {initials}
    </span>
  );
}

/** A person in a table cell: avatar, name (with a "you" tag) and a grey second line. */
export function PersonCell({ avatar, name, sub, you }: { avatar: string; name: ReactNode; sub: ReactNode; you?: boolean }) {
  return (
    <div className="person">
      <Avatar name={avatar} />
      <div>
        <div className="person-name">
          {name}
          {you && <span className="you">you</span>}
        </div>
        <div className="person-sub">{sub}</div>
      </div>
    </div>
  );
}

/**
 * A flush card holding a list as a table: a spinner while `items` is null, `empty` when there are none,
 * otherwise the header cells `head` and one row per item from `row`.
 */
export function TableCard<T>({
  items,
  title,
  empty,
  testId,
  head,
  row,
}: {
  items: T[] | null;
  title?: ReactNode;
  empty: ReactNode;
  testId: string;
  head: ReactNode;
  row: (item: T) => ReactNode;
}) {
  return (
    <Card flush title={title}>
      {items === null ? (
        <PageLoading />
      ) : items.length === 0 ? (
        empty
      ) : (
        <ScrollX>
          <table className="table" data-testid={testId}>
            <thead>
              <tr>{head}</tr>
            </thead>
            <tbody>{items.map(row)}</tbody>
          </table>
        </ScrollX>
      )}
    </Card>
  );
}
