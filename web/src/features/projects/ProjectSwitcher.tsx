import { useEffect, useRef, useState } from 'react';
import type { Project } from '../../api';
import { IconCheck, IconPlus, IconSelector } from '../../components/Icons';
import { navigate } from '../../router';
import { useProjects } from './context';

function ProjectMark({ name }: { name: string }) {
  return <span className="project-mark">{name.slice(0, 1).toUpperCase() || '?'}</span>;
}

/** Sidebar dropdown: the current project, every project of the user, and "New project". */
export function ProjectSwitcher({ current, section }: { current: Project | undefined; section: string }) {
  const { list } = useProjects();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDoc);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const go = (p: Project) => {
    setOpen(false);
    // Stay on the same page of the other project when the role allows it.
    const sub = section === 'audit' && p.role !== 'owner' ? '' : section ? `/${section}` : '';
    navigate(`/projects/${p.id}${sub}`);
  };

  return (
    <div className="switcher" ref={ref}>
      <button
        type="button"
        className="switcher-button"
        aria-haspopup="listbox"
        aria-expanded={open}
        data-testid="project-switcher"
        onClick={() => setOpen((o) => !o)}
      >
        {current ? <ProjectMark name={current.name} /> : <span className="project-mark empty">+</span>}
        <span className="switcher-text">
          <span className="switcher-label">Project</span>
          <span className="switcher-name">{current ? current.name : list?.length ? 'Choose a project' : 'No project yet'}</span>
        </span>
        <IconSelector size={16} />
      </button>
      {open && (
        <div className="switcher-menu" role="listbox" data-testid="project-switcher-menu">
          <div className="switcher-menu-label">Your projects</div>
          <div className="switcher-items">
            {(list ?? []).map((p) => (
              <button
                type="button"
                role="option"
                aria-selected={p.id === current?.id}
                key={p.id}
                className="switcher-item"
                onClick={() => go(p)}
              >
                <ProjectMark name={p.name} />
                <span className="switcher-item-text">
                  <span>{p.name}</span>
                  <span className="muted small mono">{p.slug}</span>
                </span>
                {p.id === current?.id && <IconCheck size={16} />}
              </button>
            ))}
            {list && list.length === 0 && <div className="switcher-empty">You are not a member of any project.</div>}
          </div>
          <button
            type="button"
            className="switcher-item switcher-new"
            onClick={() => {
              setOpen(false);
              navigate('/projects/new');
            }}
          >
            <span className="project-mark empty">
              <IconPlus size={14} />
            </span>
            New project
          </button>
        </div>
      )}
    </div>
  );
}
