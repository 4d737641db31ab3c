CREATE TABLE "project_month_levels" (
	"project_id" integer NOT NULL,
	"office_id" integer NOT NULL,
	"year" integer NOT NULL,
	"month" integer NOT NULL,
	"computed_level" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"standing_version" bigint NOT NULL,
	"thresholds_version" integer NOT NULL,
	"as_of" date NOT NULL,
	CONSTRAINT "project_month_levels_project_id_year_month_pk" PRIMARY KEY("project_id","year","month")
);
--> statement-breakpoint
CREATE TABLE "project_standing_versions" (
	"project_id" integer PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "project_month_levels" ADD CONSTRAINT "project_month_levels_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_standing_versions" ADD CONSTRAINT "project_standing_versions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "project_month_levels_office_month" ON "project_month_levels" USING btree ("office_id","year","month");--> statement-breakpoint
-- A project's standing version moves with every change its warning level reads, in the same
-- transaction, whatever code made the change: a level row computed before it no longer counts.
-- Statement-level with transition tables, so a bulk import moves each project once per statement.
CREATE FUNCTION tiaodu_standing_bump_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO project_standing_versions AS v (project_id, version)
    SELECT DISTINCT project_id, 1 FROM standing_new_rows ORDER BY project_id
  ON CONFLICT (project_id) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION tiaodu_standing_bump_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO project_standing_versions AS v (project_id, version)
    SELECT DISTINCT project_id, 1 FROM standing_old_rows ORDER BY project_id
  ON CONFLICT (project_id) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER project_year_rollups_standing_ins AFTER INSERT ON project_year_rollups
  REFERENCING NEW TABLE AS standing_new_rows FOR EACH STATEMENT EXECUTE FUNCTION tiaodu_standing_bump_new();
--> statement-breakpoint
CREATE TRIGGER project_year_rollups_standing_upd AFTER UPDATE ON project_year_rollups
  REFERENCING NEW TABLE AS standing_new_rows FOR EACH STATEMENT EXECUTE FUNCTION tiaodu_standing_bump_new();
--> statement-breakpoint
CREATE TRIGGER project_year_rollups_standing_del AFTER DELETE ON project_year_rollups
  REFERENCING OLD TABLE AS standing_old_rows FOR EACH STATEMENT EXECUTE FUNCTION tiaodu_standing_bump_old();
--> statement-breakpoint
CREATE TRIGGER milestones_standing_ins AFTER INSERT ON milestones
  REFERENCING NEW TABLE AS standing_new_rows FOR EACH STATEMENT EXECUTE FUNCTION tiaodu_standing_bump_new();
--> statement-breakpoint
CREATE TRIGGER milestones_standing_upd AFTER UPDATE ON milestones
  REFERENCING NEW TABLE AS standing_new_rows FOR EACH STATEMENT EXECUTE FUNCTION tiaodu_standing_bump_new();
--> statement-breakpoint
CREATE TRIGGER milestones_standing_del AFTER DELETE ON milestones
  REFERENCING OLD TABLE AS standing_old_rows FOR EACH STATEMENT EXECUTE FUNCTION tiaodu_standing_bump_old();
--> statement-breakpoint
CREATE FUNCTION tiaodu_standing_bump_phase() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO project_standing_versions AS v (project_id, version) VALUES (NEW.id, 1)
  ON CONFLICT (project_id) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER projects_standing_phase AFTER UPDATE OF phase ON projects
  FOR EACH ROW WHEN (OLD.phase IS DISTINCT FROM NEW.phase) EXECUTE FUNCTION tiaodu_standing_bump_phase();
