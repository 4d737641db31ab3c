-- Every state change of a rectification task is in the audit log with its before and after.
SELECT tiaodu_audit_attach('rectifications', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('rectification_events', 'office_id', 'id');
