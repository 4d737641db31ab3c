CREATE TABLE "notice_counters" (
	"office_id" integer NOT NULL,
	"year" integer NOT NULL,
	"last_seq" integer NOT NULL,
	CONSTRAINT "notice_counters_office_id_year_pk" PRIMARY KEY("office_id","year")
);
--> statement-breakpoint
CREATE TABLE "notice_settings" (
	"office_id" integer PRIMARY KEY NOT NULL,
	"number_pattern" text NOT NULL,
	"attention_months" integer NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supervision_notice_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "supervision_notice_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"office_id" integer NOT NULL,
	"notice_id" integer NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"note" text,
	"actor" text NOT NULL,
	"actor_role" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supervision_notices" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "supervision_notices_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"office_id" integer NOT NULL,
	"year" integer NOT NULL,
	"seq" integer NOT NULL,
	"number" text NOT NULL,
	"project_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"content" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"source" text NOT NULL,
	"warning_year" integer,
	"warning_month" integer,
	"issued_on" date NOT NULL,
	"deadline" date NOT NULL,
	"status" text DEFAULT 'issued' NOT NULL,
	"measures" text,
	"answered_on" date,
	"closed_on" date,
	"updated_by" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notice_counters" ADD CONSTRAINT "notice_counters_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_settings" ADD CONSTRAINT "notice_settings_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_notice_events" ADD CONSTRAINT "supervision_notice_events_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_notice_events" ADD CONSTRAINT "supervision_notice_events_notice_id_supervision_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."supervision_notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_notices" ADD CONSTRAINT "supervision_notices_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_notices" ADD CONSTRAINT "supervision_notices_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_notices" ADD CONSTRAINT "supervision_notices_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "supervision_notice_events_notice" ON "supervision_notice_events" USING btree ("notice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_notices_office_year_seq" ON "supervision_notices" USING btree ("office_id","year","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_notices_office_number" ON "supervision_notices" USING btree ("office_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_notices_warning" ON "supervision_notices" USING btree ("project_id","warning_year","warning_month");--> statement-breakpoint
CREATE INDEX "supervision_notices_office_issued" ON "supervision_notices" USING btree ("office_id","issued_on");--> statement-breakpoint
CREATE INDEX "supervision_notices_office_deadline" ON "supervision_notices" USING btree ("office_id","status","deadline");--> statement-breakpoint
CREATE INDEX "supervision_notices_unit" ON "supervision_notices" USING btree ("unit_id");