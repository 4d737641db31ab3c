CREATE TABLE "group_month_sums" (
	"office_id" integer NOT NULL,
	"year" integer NOT NULL,
	"area_id" integer NOT NULL,
	"tags" text[] NOT NULL,
	"month" integer NOT NULL,
	"planned_projects" integer NOT NULL,
	"annual_target" numeric NOT NULL,
	"initial_annual_target" numeric NOT NULL,
	"timing_target" numeric NOT NULL,
	"initial_timing_target" numeric NOT NULL,
	"actual_cumulative" numeric NOT NULL,
	CONSTRAINT "group_month_sums_office_id_year_area_id_tags_month_pk" PRIMARY KEY("office_id","year","area_id","tags","month")
);
--> statement-breakpoint
-- The one statement that adds rows of roll-ups to their groups, for any source of rows
-- (sign, office_id, year, area_id, tags, and the roll-up's money columns, planned rows only):
-- each month's difference, grouped, applied in key order with "+", so two approvals in one
-- group queue on the row and both count. Returned as text for the trigger to EXECUTE, because
-- only the trigger's own function sees its transition tables.
CREATE FUNCTION tiaodu_group_sums_sql(src text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
  SELECT format($q$
    INSERT INTO group_month_sums AS g (office_id, year, area_id, tags, month, planned_projects,
        annual_target, initial_annual_target, timing_target, initial_timing_target, actual_cumulative)
    SELECT d.office_id, d.year, d.area_id, d.tags, m.month, sum(d.sign)::int,
        sum(d.sign * d.annual_target), sum(d.sign * d.initial_annual_target),
        coalesce(sum(d.sign * (d.timing_targets ->> (m.month - 1))::numeric), 0),
        coalesce(sum(d.sign * (d.initial_timing_targets ->> (m.month - 1))::numeric), 0),
        coalesce(sum(d.sign * (d.actual_cumulative ->> (m.month - 1))::numeric), 0)
    FROM (%s) d
    CROSS JOIN generate_series(1, 12) AS m(month)
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (office_id, year, area_id, tags, month) DO UPDATE SET
      planned_projects = g.planned_projects + excluded.planned_projects,
      annual_target = g.annual_target + excluded.annual_target,
      initial_annual_target = g.initial_annual_target + excluded.initial_annual_target,
      timing_target = g.timing_target + excluded.timing_target,
      initial_timing_target = g.initial_timing_target + excluded.initial_timing_target,
      actual_cumulative = g.actual_cumulative + excluded.actual_cumulative
  $q$, src)
$f$;
--> statement-breakpoint
-- The sums as they stand, for a database migrated with roll-ups in it.
DO $$ BEGIN
  EXECUTE tiaodu_group_sums_sql('SELECT 1 AS sign, y.office_id, y.year, coalesce(p.area_id, 0) AS area_id, p.tags,
      y.annual_target, y.initial_annual_target, y.timing_targets, y.initial_timing_targets, y.actual_cumulative
    FROM project_year_rollups y JOIN projects p ON p.id = y.project_id AND p.archived_at IS NULL
    WHERE y.has_plan');
END $$;
--> statement-breakpoint
-- Each statement on project_year_rollups adds its rows' difference: the new rows plus, the old
-- rows minus, under the project's area and tags as they are now (an earlier move re-homed the
-- project's sums with it: see the trigger on projects below).
CREATE FUNCTION tiaodu_group_sums_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE src text;
BEGIN
  src := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM group_sums_new'
    WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM group_sums_old'
    ELSE 'SELECT 1 AS sign, * FROM group_sums_new UNION ALL SELECT -1 AS sign, * FROM group_sums_old'
  END;
  EXECUTE tiaodu_group_sums_sql(format('SELECT r.sign, r.office_id, r.year,
      coalesce(p.area_id, 0) AS area_id, p.tags, r.annual_target, r.initial_annual_target,
      r.timing_targets, r.initial_timing_targets, r.actual_cumulative
    FROM (%s) r JOIN projects p ON p.id = r.project_id AND p.archived_at IS NULL
    WHERE r.has_plan', src));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER project_year_rollups_group_sums_ins AFTER INSERT ON project_year_rollups
  REFERENCING NEW TABLE AS group_sums_new FOR EACH STATEMENT EXECUTE FUNCTION tiaodu_group_sums_rollups();
--> statement-breakpoint
CREATE TRIGGER project_year_rollups_group_sums_upd AFTER UPDATE ON project_year_rollups
  REFERENCING OLD TABLE AS group_sums_old NEW TABLE AS group_sums_new FOR EACH STATEMENT EXECUTE FUNCTION tiaodu_group_sums_rollups();
--> statement-breakpoint
CREATE TRIGGER project_year_rollups_group_sums_del AFTER DELETE ON project_year_rollups
  REFERENCING OLD TABLE AS group_sums_old FOR EACH STATEMENT EXECUTE FUNCTION tiaodu_group_sums_rollups();
--> statement-breakpoint
-- A project that changes area or tags, or leaves or returns from the archive, takes its
-- roll-ups' sums from the group it was counted in ($1, the old row) to the one it is counted
-- in now ($2).
CREATE FUNCTION tiaodu_group_sums_project_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE tiaodu_group_sums_sql('SELECT s.sign, y.office_id, y.year, s.area_id, s.tags,
      y.annual_target, y.initial_annual_target, y.timing_targets, y.initial_timing_targets,
      y.actual_cumulative
    FROM project_year_rollups y
    CROSS JOIN (
      SELECT -1 AS sign, coalesce(($1).area_id, 0) AS area_id, ($1).tags AS tags WHERE ($1).archived_at IS NULL
      UNION ALL
      SELECT 1, coalesce(($2).area_id, 0), ($2).tags WHERE ($2).archived_at IS NULL
    ) s
    WHERE y.project_id = ($2).id AND y.has_plan') USING OLD, NEW;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER projects_group_sums AFTER UPDATE OF area_id, tags, archived_at ON projects
  FOR EACH ROW WHEN (OLD.area_id IS DISTINCT FROM NEW.area_id OR OLD.tags IS DISTINCT FROM NEW.tags
    OR (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL))
  EXECUTE FUNCTION tiaodu_group_sums_project_moved();
