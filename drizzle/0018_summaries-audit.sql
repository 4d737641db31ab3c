-- Every change of a work summary (its edits, finalising, re-opening) and every frozen version is
-- in the audit log.
SELECT tiaodu_audit_attach('summaries', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('summary_versions', 'office_id', 'id');
