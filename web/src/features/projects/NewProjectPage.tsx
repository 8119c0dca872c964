import { projects as projectsApi } from '../../api';
import { PageHeader } from '../../components/ui';
import { useToast } from '../../components/Toast';
import { navigate } from '../../router';
import { useProjects, rememberProject } from './context';
import { ProjectForm } from './ProjectForm';

export function NewProjectPage() {
  const { upsert, list } = useProjects();
  const toast = useToast();
  return (
    <div className="page narrow">
      <PageHeader
        title="New project"
        subtitle="A project is one product you market: its own audience, calendar and campaigns. You become its owner."
      />
      <div className="card">
        <div className="card-body">
          <ProjectForm
            submitLabel="Create project"
            onCancel={list && list.length > 0 ? () => history.back() : undefined}
            onSubmit={async (input) => {
              const p = await projectsApi.create(input);
              upsert(p);
              rememberProject(p.id);
              toast(`Project “${p.name}” created`);
              navigate(`/projects/${p.id}`);
            }}
          />
        </div>
      </div>
    </div>
  );
}
