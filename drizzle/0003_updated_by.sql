ALTER TABLE "milestones" ADD COLUMN "updated_by" text;--> statement-breakpoint
ALTER TABLE "investment_plans" ADD COLUMN "updated_by" text;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "updated_by" text;