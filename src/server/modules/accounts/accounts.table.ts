import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { offices } from '../offices/offices.table.ts';
import { units } from '../units/units.table.ts';
import type { SecuritySettings } from './password-policy.ts';

/** The roles an account can hold: one each, so no account holds two admin duties (三权分立). */
export const ACCOUNT_ROLES = [
  'coordinator',
  'reporter',
  'leader',
  'sysadmin',
  'secadmin',
  'auditadmin',
] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
export const ADMIN_DUTIES = ['sysadmin', 'secadmin', 'auditadmin'] as const;

/**
 * A person who logs in. Secrets and contact data are sealed (SM4 + HMAC-SM3, see crypto.ts);
 * the password is a scrypt hash. Accounts are disabled, never deleted, so the audit log keeps
 * its subjects.
 */
export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ACCOUNT_ROLES }).notNull(),
    /** a reporter's owner unit (required for reporters) */
    unitId: integer('unit_id').references(() => units.id),
    passwordHash: text('password_hash').notNull(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull(),
    mustChangePassword: boolean('must_change_password').notNull().default(true),
    /** who last reset the password (display name and user name) and when, shown at the forced change */
    passwordResetBy: text('password_reset_by'),
    passwordResetAt: timestamp('password_reset_at', { withTimezone: true }),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    totpEnabled: boolean('totp_enabled').notNull().default(false),
    /** sealed base32 secret, once confirmed */
    totpSecret: text('totp_secret'),
    /** sealed base32 secret between enrol and confirm */
    totpPending: text('totp_pending'),
    /** the last accepted TOTP time step, so a code is never accepted twice */
    totpLastCounter: integer('totp_last_counter'),
    phone: text('phone'),
    email: text('email'),
    /** a demo-office account: known password, TOTP not enforced; cleared by a password change */
    demo: boolean('demo').notNull().default(false),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    lastLoginIp: text('last_login_ip'),
    version: integer('version').notNull().default(1),
    updatedBy: text('updated_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_office_username').on(t.officeId, t.username)],
);

/**
 * A log-in, in the database so several app instances share it. The id is an HMAC-SM3 of the
 * cookie's token: reading this table does not yield a usable session.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** the absolute end, whatever the activity */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** Earlier password hashes, so the last N are not reused. */
export const passwordHistory = pgTable(
  'password_history',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('password_history_user').on(t.userId)],
);

/** The office's password, lockout and session policy; a missing row means the defaults. */
export const securitySettings = pgTable('security_settings', {
  officeId: integer('office_id')
    .primaryKey()
    .references(() => offices.id),
  settings: jsonb('settings').$type<SecuritySettings>().notNull(),
  version: integer('version').notNull().default(1),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
