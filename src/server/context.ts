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
export type Role = (typeof ROLES)[number];

/** Who is acting, for which office. `system` is the CLI and the demo loader. */
export type Actor = {
  id: string;
  name: string;
  role: Role;
  officeId: number;
  /** a reporter's owner unit; null for everyone else */
  unitId: number | null;
};

/** What every service receives after the database: who acts, and when it is. */
export type Ctx = { actor: Actor; now: Date };

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export type ServiceFn<I, O> = (db: Db, ctx: Ctx, input: I) => Promise<O>;
