import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { errorMessage, projects as projectsApi, type Project } from '../../api';
import { useLiveEvents } from '../../live';

interface ProjectsState {
  /** undefined until the first load finished. */
  list: Project[] | undefined;
  error: string | null;
  refresh: () => Promise<void>;
  upsert: (p: Project) => void;
  remove: (id: number) => void;
  byId: (id: number) => Project | undefined;
}

const Ctx = createContext<ProjectsState | null>(null);

const LAST_KEY = 'sangam.lastProject';

export function rememberProject(id: number): void {
  try {
    localStorage.setItem(LAST_KEY, String(id));
  } catch {
    /* private mode */
  }
}

export function lastProject(): number | null {
  try {
    const v = localStorage.getItem(LAST_KEY);
    return v ? Number(v) : null;
  } catch {
    return null;
  }
}

function sortProjects(list: Project[]): Project[] {
  return [...list].sort((a, b) => a.name.localeCompare(b.name));
}

export function ProjectsProvider({ children }: { children: ReactNode }) {
  const [list, setList] = useState<Project[] | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const r = await projectsApi.list();
      setList(sortProjects(r.items));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
      setList((l) => l ?? []);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const upsert = useCallback((p: Project) => {
    setList((l) => sortProjects([...(l ?? []).filter((x) => x.id !== p.id), p]));
  }, []);

  const remove = useCallback((id: number) => {
    setList((l) => (l ?? []).filter((x) => x.id !== id));
  }, []);

  useLiveEvents((ev) => {
    switch (ev.event) {
      case 'membership.changed':
        void refresh();
        break;
      case 'project.updated': {
        const data = ev.data as Partial<Project> | null;
        if (data && typeof data === 'object' && data.id === ev.project_id) {
          // The event carries the project as the server sees it; keep the caller's own role.
          setList((l) =>
            l
              ? sortProjects(l.map((x) => (x.id === ev.project_id ? { ...x, ...data, role: x.role } : x)))
              : l,
          );
        } else void refresh();
        break;
      }
      case 'project.deleted':
        if (ev.project_id !== null) remove(ev.project_id);
        break;
    }
  });

  const byId = useCallback((id: number) => list?.find((p) => p.id === id), [list]);

  const value = useMemo(() => ({ list, error, refresh, upsert, remove, byId }), [list, error, refresh, upsert, remove, byId]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useProjects(): ProjectsState {
  const c = useContext(Ctx);
  if (!c) throw new Error('useProjects outside ProjectsProvider');
  return c;
}

/** Permission helpers derived from the caller's role in a project. */
export function can(p: Project | undefined) {
  const role = p?.role;
  return {
    editSettings: role === 'owner',
    manageMembers: role === 'owner',
    viewAudit: role === 'owner',
    deleteProject: role === 'owner',
  };
}
