CREATE TABLE "attachments" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "attachments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"office_id" integer NOT NULL,
	"parent_kind" text NOT NULL,
	"parent_id" integer NOT NULL,
	"event_id" integer,
	"original_filename" text NOT NULL,
	"content_type" text NOT NULL,
	"byte_size" integer NOT NULL,
	"sha256" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"uploaded_by" text NOT NULL,
	"uploaded_by_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_parent" ON "attachments" USING btree ("office_id","parent_kind","parent_id");--> statement-breakpoint
-- Attachments are audited like every other record (the row after an upload, the row before a
-- deletion), but without the file's bytes: the generic capture copies whole rows (to_jsonb) into
-- the append-only log, which would keep every file again, as hex text, for ever. The row's own
-- sha256 column says which file it was.
CREATE FUNCTION tiaodu_audit_capture_attachment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  b jsonb;
  a jsonb;
  r attachments;
BEGIN
  IF coalesce(current_setting('tiaodu.audit', true), '') <> 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN b := to_jsonb(OLD) - 'bytes'; END IF;
  IF TG_OP <> 'DELETE' THEN a := to_jsonb(NEW) - 'bytes'; END IF;
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  INSERT INTO audit_pending (office_id, txid, table_name, op, row_key, before, after)
  VALUES (r.office_id, txid_current(), TG_TABLE_NAME, lower(TG_OP), r.id::text, b::text, a::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER attachments_audit AFTER INSERT OR UPDATE OR DELETE ON attachments
  FOR EACH ROW EXECUTE FUNCTION tiaodu_audit_capture_attachment();
