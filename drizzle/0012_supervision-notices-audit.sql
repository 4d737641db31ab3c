-- Every state change of a supervision notice, and of the office's notice settings, is in the
-- audit log with its before and after. (notice_counters is bookkeeping: the number it hands out
-- is in the notice's own insert row.)
SELECT tiaodu_audit_attach('supervision_notices', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('supervision_notice_events', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('notice_settings', 'office_id', 'office_id');
