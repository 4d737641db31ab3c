-- The audit log is append-only: UPDATE, DELETE and TRUNCATE are refused for every role the
-- triggers apply to (the application's included). A change made around them (a superuser
-- disabling the trigger) breaks the HMAC-SM3 chain, which `tiaodu audit verify` reports.
CREATE FUNCTION tiaodu_audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION tiaodu_audit_log_refuse();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION tiaodu_audit_log_refuse();
--> statement-breakpoint
-- Captures a business row change (changed fields only, for updates) while the transaction has
-- `tiaodu.audit` set (set_config(..., true): transaction-local, so nothing leaks between requests
-- on a pooled connection). The application moves the captured rows into audit_log, with the
-- actor, IP and request, before it commits. Arguments: the office column, then the key columns.
CREATE FUNCTION tiaodu_audit_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  b jsonb;
  a jsonb;
  cb jsonb;
  ca jsonb;
  row_key text;
BEGIN
  IF coalesce(current_setting('tiaodu.audit', true), '') <> 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN b := to_jsonb(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN a := to_jsonb(NEW); END IF;
  IF TG_OP = 'UPDATE' THEN
    SELECT jsonb_object_agg(o.key, o.value), jsonb_object_agg(o.key, a -> o.key)
      INTO cb, ca
      FROM jsonb_each(b) o
      WHERE o.value IS DISTINCT FROM (a -> o.key);
    IF cb IS NULL THEN RETURN NULL; END IF;
  ELSE
    cb := b;
    ca := a;
  END IF;
  SELECT string_agg(coalesce(a, b) ->> k.name, ':' ORDER BY k.n)
    INTO row_key
    FROM unnest(TG_ARGV[1:]) WITH ORDINALITY AS k(name, n);
  INSERT INTO audit_pending (office_id, txid, table_name, op, row_key, before, after)
  VALUES (
    (coalesce(a, b) ->> TG_ARGV[0])::integer,
    txid_current(),
    TG_TABLE_NAME,
    lower(TG_OP),
    row_key,
    cb::text,
    ca::text
  );
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Attaches the capture to a business table. Modules adding business tables call it in their
-- migration: SELECT tiaodu_audit_attach('action_items', 'office_id', 'id');
CREATE FUNCTION tiaodu_audit_attach(tbl text, office_col text, VARIADIC key_cols text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format(
    'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION tiaodu_audit_capture(%s)',
    tbl || '_audit', tbl,
    (SELECT string_agg(quote_literal(c), ', ') FROM unnest(office_col || key_cols) AS c)
  );
END $$;
--> statement-breakpoint
SELECT tiaodu_audit_attach('offices', 'id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('units', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('areas', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('categories', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('projects', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('investment_plans', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('plan_revisions', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('monthly_reports', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('report_transitions', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('milestones', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('milestone_changes', 'office_id', 'id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('warning_settings', 'office_id', 'office_id');
--> statement-breakpoint
SELECT tiaodu_audit_attach('warning_events', 'office_id', 'id');
