import { useState } from 'react';
import { projects as projectsApi, type Project } from '../../api';
import { ConfirmDialog } from '../../components/Modal';
import { IconLock } from '../../components/Icons';
import { Card, InfoBanner, PageHeader, RoleBadge, roleLabel } from '../../components/ui';
import { useToast } from '../../components/Toast';
import { formatDateTime } from '../../components/format';
import { navigate } from '../../router';
import { can, useProjects } from './context';
import { ProjectForm } from './ProjectForm';

export function SettingsPage({ project }: { project: Project }) {
  const { upsert, remove } = useProjects();
  const toast = useToast();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const perms = can(project);
  const readOnly = !perms.editSettings;

  return (
    <div className="page narrow">
      <PageHeader
        title="Project settings"
        subtitle={
          <>
            Last changed {formatDateTime(project.updated_at)} · your role <RoleBadge role={project.role} />
          </>
        }
      />
      {readOnly && (
        <InfoBanner icon={<IconLock size={18} />}>
          Your role in this project is <strong>{roleLabel(project.role)}</strong>, so its settings are read-only. Ask an owner to
          change them.
        </InfoBanner>
      )}
      <div className="card">
        <div className="card-body">
          <ProjectForm
            project={project}
            readOnly={readOnly}
            submitLabel="Save changes"
            onSubmit={async (input) => {
              const p = await projectsApi.update(project.id, input);
              upsert(p);
              toast('Settings saved');
            }}
          />
        </div>
      </div>

      {perms.deleteProject && (
        <Card className="danger-zone" title="Delete this project" subtitle="Removes the project, its members and its settings. This cannot be undone.">
          <button type="button" className="btn btn-danger-outline" onClick={() => setConfirmDelete(true)}>
            Delete project…
          </button>
        </Card>
      )}

      {confirmDelete && (
        <ConfirmDialog
          title={`Delete “${project.name}”?`}
          danger
          confirmLabel="Delete project"
          requireText={project.slug}
          onClose={() => setConfirmDelete(false)}
          onConfirm={async () => {
            await projectsApi.remove(project.id);
            remove(project.id);
            toast(`Project “${project.name}” deleted`);
            navigate('/', { replace: true });
          }}
        >
          Everything that belongs to <strong>{project.name}</strong> will be deleted for every member.
        </ConfirmDialog>
      )}
    </div>
  );
}
