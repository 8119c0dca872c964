-- name: project-insert
INSERT INTO projects (name, slug, time_zone, default_region, working_hours, weekend_factor, regions, personas,
                      created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
RETURNING id;

-- name: project-by-id
SELECT id, name, slug, time_zone, default_region, working_hours, weekend_factor, regions, personas,
       created_at, updated_at
FROM projects WHERE id = $1;

-- name: project-list-all
SELECT id, name, slug, time_zone, default_region, working_hours, weekend_factor, regions, personas,
       created_at, updated_at, 'owner' AS role
FROM projects ORDER BY name, id;

-- name: project-list-member
SELECT p.id, p.name, p.slug, p.time_zone, p.default_region, p.working_hours, p.weekend_factor, p.regions,
       p.personas, p.created_at, p.updated_at, m.role
FROM projects p JOIN project_members m ON m.project_id = p.id
WHERE m.user_id = $1
ORDER BY p.name, p.id;

-- name: project-count
SELECT count(*) AS n FROM projects;

-- name: project-update
UPDATE projects SET name = $2, slug = $3, time_zone = $4, default_region = $5, working_hours = $6,
                    weekend_factor = $7, regions = $8, personas = $9, updated_at = $10
WHERE id = $1;

-- name: project-delete
DELETE FROM projects WHERE id = $1;

-- name: member-role
SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2;

-- name: member-list
SELECT m.user_id, u.email, u.name, m.role, m.added_at
FROM project_members m JOIN users u ON u.id = m.user_id
WHERE m.project_id = $1
ORDER BY u.name, u.id;

-- name: member-get
SELECT m.user_id, u.email, u.name, m.role, m.added_at
FROM project_members m JOIN users u ON u.id = m.user_id
WHERE m.project_id = $1 AND m.user_id = $2;

-- name: member-upsert
INSERT INTO project_members (project_id, user_id, role, added_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role;

-- name: member-delete
DELETE FROM project_members WHERE project_id = $1 AND user_id = $2;

-- name: member-owner-count
SELECT count(*) AS n FROM project_members WHERE project_id = $1 AND role = 'owner';

-- name: memberships-of-user
SELECT project_id, role FROM project_members WHERE user_id = $1 ORDER BY project_id;

-- name: projects-of-user
SELECT project_id FROM project_members WHERE user_id = $1;
