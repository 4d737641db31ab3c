import type { Db } from './db.ts';

export const ROLES = [
  'coordinator',
  'reporter',
  'leader',
  'sysadmin',
  'secadmin',
  'auditadmin',
  'system',
] as const;
/** `anonymous` acts on the public auth routes (log-in, demo) only; no policy lists it. */
export type Role = (typeof ROLES)[number] | 'anonymous';

/** Who is acting, for which office. `system` is the CLI and the demo loader. */
export type Actor = {
  id: string;
  name: string;
  role: Role;
  officeId: number;
  /** a reporter's owner unit; null for everyone else */
  unitId: number | null;
};

/** Where a request came from, for the audit log. */
export type RequestInfo = {
  id: string;
  ip: string;
  /** `POST /api/reports/:id/approve`, or the CLI command */
  route: string;
  /** set once the request's outcome is in the audit log */
  audited?: boolean;
};

/** What every service receives after the database: who acts, and when it is. */
export type Ctx = { actor: Actor; now: Date; request?: RequestInfo };

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export type ServiceFn<I, O> = (db: Db, ctx: Ctx, input: I) => Promise<O>;
