CREATE TABLE "job_runs" (
	"job" text NOT NULL,
	"office_id" integer NOT NULL,
	"run_on" date NOT NULL,
	"instance" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" text,
	"detail" text,
	CONSTRAINT "job_runs_job_office_id_run_on_pk" PRIMARY KEY("job","office_id","run_on")
);
--> statement-breakpoint
ALTER TABLE "job_runs" ADD CONSTRAINT "job_runs_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;