CREATE TABLE "work_plan_item_projects" (
	"office_id" integer NOT NULL,
	"item_id" integer NOT NULL,
	"project_id" integer NOT NULL,
	CONSTRAINT "work_plan_item_projects_item_id_project_id_pk" PRIMARY KEY("item_id","project_id")
);
--> statement-breakpoint
CREATE TABLE "work_plan_items" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "work_plan_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"office_id" integer NOT NULL,
	"plan_id" integer NOT NULL,
	"theme_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"content" text NOT NULL,
	"responsible_unit_id" integer NOT NULL,
	"deadline" text NOT NULL,
	"status" text DEFAULT 'not_started' NOT NULL,
	"progress" text,
	"completed_on" date,
	"updated_by" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_plan_themes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "work_plan_themes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"office_id" integer NOT NULL,
	"plan_id" integer NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_plans" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "work_plans_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"office_id" integer NOT NULL,
	"name" text NOT NULL,
	"area_id" integer,
	"year" integer NOT NULL,
	"updated_by" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "work_plan_item_projects" ADD CONSTRAINT "work_plan_item_projects_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_plan_item_projects" ADD CONSTRAINT "work_plan_item_projects_item_id_work_plan_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."work_plan_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_plan_item_projects" ADD CONSTRAINT "work_plan_item_projects_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_plan_items" ADD CONSTRAINT "work_plan_items_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_plan_items" ADD CONSTRAINT "work_plan_items_plan_id_work_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."work_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_plan_items" ADD CONSTRAINT "work_plan_items_theme_id_work_plan_themes_id_fk" FOREIGN KEY ("theme_id") REFERENCES "public"."work_plan_themes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_plan_items" ADD CONSTRAINT "work_plan_items_responsible_unit_id_units_id_fk" FOREIGN KEY ("responsible_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_plan_themes" ADD CONSTRAINT "work_plan_themes_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_plan_themes" ADD CONSTRAINT "work_plan_themes_plan_id_work_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."work_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_plans" ADD CONSTRAINT "work_plans_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_plans" ADD CONSTRAINT "work_plans_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "work_plan_item_projects_project" ON "work_plan_item_projects" USING btree ("project_id");--> statement-breakpoint
CREATE UNIQUE INDEX "work_plan_items_plan_seq" ON "work_plan_items" USING btree ("plan_id","seq");--> statement-breakpoint
CREATE INDEX "work_plan_items_theme" ON "work_plan_items" USING btree ("theme_id");--> statement-breakpoint
CREATE INDEX "work_plan_items_unit" ON "work_plan_items" USING btree ("responsible_unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "work_plan_themes_plan_name" ON "work_plan_themes" USING btree ("plan_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "work_plans_office_name" ON "work_plans" USING btree ("office_id","name");