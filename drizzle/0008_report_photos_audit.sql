-- Report photos are audited like every other record (photo, report and project ids, and the
-- row before a deletion), but without the image bytes: the generic capture copies whole rows
-- (to_jsonb) into the append-only log, which would keep every image again, as hex text, for
-- ever. The image's SHA-256 stands for it, so the log still says which picture it was.
CREATE FUNCTION tiaodu_audit_capture_photo() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  b jsonb;
  a jsonb;
  r report_photos;
BEGIN
  IF coalesce(current_setting('tiaodu.audit', true), '') <> 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    b := to_jsonb(OLD) - 'bytes' - 'thumbnail' || jsonb_build_object(
      'sha256', encode(sha256(OLD.bytes), 'hex'),
      'project_id', (SELECT project_id FROM monthly_reports WHERE id = OLD.report_id));
  END IF;
  IF TG_OP <> 'DELETE' THEN
    a := to_jsonb(NEW) - 'bytes' - 'thumbnail' || jsonb_build_object(
      'sha256', encode(sha256(NEW.bytes), 'hex'),
      'project_id', (SELECT project_id FROM monthly_reports WHERE id = NEW.report_id));
  END IF;
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  INSERT INTO audit_pending (office_id, txid, table_name, op, row_key, before, after)
  VALUES (r.office_id, txid_current(), TG_TABLE_NAME, lower(TG_OP), r.id::text, b::text, a::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_photos_audit AFTER INSERT OR UPDATE OR DELETE ON report_photos
  FOR EACH ROW EXECUTE FUNCTION tiaodu_audit_capture_photo();
