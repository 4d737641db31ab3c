// The one schema drizzle-kit and the services see; each module owns its tables.
export * from './modules/accounts/accounts.table.ts';
export * from './modules/action-items/action-items.table.ts';
export * from './modules/activities/activities.table.ts';
export * from './modules/audit/audit.table.ts';
export * from './modules/dispatch/rollups.table.ts';
export * from './modules/meetings/meetings.table.ts';
export * from './modules/milestones/milestones.table.ts';
export * from './modules/offices/offices.table.ts';
export * from './modules/plans/plans.table.ts';
export * from './modules/problems/problems.table.ts';
export * from './modules/projects/projects.table.ts';
export * from './modules/reports/report-photos.table.ts';
export * from './modules/reports/reports.table.ts';
export * from './modules/units/units.table.ts';
export * from './modules/warnings/warnings.table.ts';
