/**
 * The shapes the API answers with, taken from the server's own types (type-only imports, so
 * nothing of the server reaches the bundle) with dates as ISO strings.
 */

import type { StatsOutput } from '../contracts/coordination.ts';
import type { MilestoneLateness, WarningThresholds } from '../domain/warning-rules.ts';
import type { DispatchResult } from '../server/modules/dispatch/dispatch.service.ts';
import type { Inbox as InboxView } from '../server/modules/inbox/inbox.service.ts';
import type { Milestone } from '../server/modules/milestones/milestones.service.ts';
import type { milestoneChanges } from '../server/modules/milestones/milestones.table.ts';
import type { PlanView } from '../server/modules/plans/plans.service.ts';
import type { ProjectView } from '../server/modules/projects/projects.service.ts';
import type { ReportView } from '../server/modules/reports/reports.service.ts';
import type { reportTransitions } from '../server/modules/reports/reports.table.ts';
import type { Unit } from '../server/modules/units/units.service.ts';
import type { ProjectStanding } from '../server/modules/warnings/warnings.service.ts';
import type { warningEvents } from '../server/modules/warnings/warnings.table.ts';
import type { Action, Capabilities } from '../server/policy.ts';
import type { Json } from './api.ts';

export type Dispatch = Json<DispatchResult>;
export type Inbox = Json<InboxView>;
export type Stats = StatsOutput;
export type Project = Json<ProjectView>;
export type ProjectPage = { items: Project[]; total: number; page: number; pageSize: number };
export type Plan = Json<PlanView>;
export type Report = Json<ReportView>;
export type ReportTransition = Json<typeof reportTransitions.$inferSelect>;
export type ReportDetail = Report & { transitions: ReportTransition[] };
export type MilestoneWithChanges = Json<
  Milestone & {
    changes: (typeof milestoneChanges.$inferSelect)[];
    /** measured on the server at the page's month (or today): null when not late */
    lateness: MilestoneLateness | null;
  }
>;
/** /api/warnings strips the roll-up; when a server keeps it the ledger shows the figures too. */
export type Standing = Json<Omit<ProjectStanding, 'rollup'>> & {
  rollup?: Json<ProjectStanding['rollup']>;
};
export type WarningEvent = Json<typeof warningEvents.$inferSelect>;
export type Thresholds = WarningThresholds & { version: number };
export type UnitRow = Json<Unit>;
export type Named = { id: number; name: string };

export type Role = 'coordinator' | 'reporter' | 'leader' | 'sysadmin' | 'secadmin' | 'auditadmin';

/** The log-in contract of the accounts module. */
export type SessionUser = {
  id: number | string;
  username: string;
  displayName: string;
  role: Role;
  unitId: number | null;
  unitName: string | null;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  /** while a reset password awaits its change: who reset it and when (ISO) */
  passwordReset?: { by: string; at: string } | null;
};
export type SessionBody = { user: SessionUser; csrfToken: string };
/** `/api/auth/me`: the log-in plus what the user may do, computed by the server's can(). */
export type MeBody = SessionBody & { capabilities: Capabilities };
export type { Action, Capabilities };
