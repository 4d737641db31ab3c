-- Every change of a work plan, its themes, items and their linked projects is in the audit log.
SELECT tiaodu_audit_attach('work_plans', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('work_plan_themes', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('work_plan_items', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('work_plan_item_projects', 'office_id', 'item_id', 'project_id');
