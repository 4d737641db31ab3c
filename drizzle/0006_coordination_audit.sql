-- Every state change of the coordination loop is in the audit log with its before and after.
SELECT tiaodu_audit_attach('meetings', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('meeting_units', 'office_id', 'meeting_id', 'unit_id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('meeting_projects', 'office_id', 'meeting_id', 'project_id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('meeting_problems', 'office_id', 'meeting_id', 'problem_id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('problems', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('problem_events', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('action_items', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('action_item_events', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('activities', 'office_id', 'id');
