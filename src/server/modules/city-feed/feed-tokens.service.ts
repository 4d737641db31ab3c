import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { feedTokenInput } from '../../../contracts/city-feed.ts';
import type { Actor, Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { assertCan } from '../../policy.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { feedTokens } from './feed-tokens.table.ts';

/** Every token starts so, which lets a secret scanner and an admin recognise one. */
const PREFIX = 'tdf_';

export type FeedTokenView = {
  id: number;
  name: string;
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  uses: number;
  revokedAt: string | null;
  revokedBy: string | null;
};

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

const notFound = (id: number) =>
  new AppError('feed_token.not_found', `数据接口令牌（${id}）不存在`, {
    messageEn: `feed token ${id} not found`,
  });

function viewOf(row: typeof feedTokens.$inferSelect): FeedTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    uses: row.uses,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokedBy: row.revokedBy,
  };
}

/** A new token; the secret is in this answer only, never stored or shown again. */
export async function createFeedToken(
  db: Db,
  ctx: Ctx,
  raw: z.input<typeof feedTokenInput>,
): Promise<{ token: string; feedToken: FeedTokenView }> {
  assertCan(ctx.actor, 'user.manage', undefined, () => notFound(0));
  const input = feedTokenInput.parse(raw);
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(feedTokens)
    .values({
      officeId: ctx.actor.officeId,
      name: input.name,
      prefix: token.slice(0, PREFIX.length + 6),
      tokenHash: hashOf(token),
      createdBy: ctx.actor.name,
      createdAt: ctx.now,
    })
    .returning();
  return { token, feedToken: viewOf(row) };
}

export async function listFeedTokens(db: Db, ctx: Ctx): Promise<FeedTokenView[]> {
  assertCan(ctx.actor, 'user.manage', undefined, () => notFound(0));
  const rows = await db
    .select()
    .from(feedTokens)
    .where(eq(feedTokens.officeId, ctx.actor.officeId))
    .orderBy(desc(feedTokens.id));
  return rows.map(viewOf);
}

/** Revoked at once: the next request with it is refused. */
export async function revokeFeedToken(db: Db, ctx: Ctx, id: number): Promise<FeedTokenView> {
  assertCan(ctx.actor, 'user.manage', undefined, () => notFound(id));
  const [row] = await db
    .update(feedTokens)
    .set({ revokedAt: ctx.now, revokedBy: ctx.actor.name })
    .where(
      and(
        eq(feedTokens.id, id),
        eq(feedTokens.officeId, ctx.actor.officeId),
        isNull(feedTokens.revokedAt),
      ),
    )
    .returning();
  if (row) return viewOf(row);
  const [existing] = await db
    .select()
    .from(feedTokens)
    .where(and(eq(feedTokens.id, id), eq(feedTokens.officeId, ctx.actor.officeId)));
  if (!existing) throw notFound(id);
  return viewOf(existing);
}

/** Who reads with a token: the office's figures, read-only, no one's personal data. */
export function feedActor(token: { id: number; officeId: number; name: string }): Actor {
  return {
    id: `feed-token:${token.id}`,
    name: `数据接口：${token.name}`,
    // Reads every project's figures as the leader does; the feed's routes decide what leaves.
    role: 'leader',
    officeId: token.officeId,
    unitId: null,
  };
}

export const isFeedActor = (actor: Actor) => actor.id.startsWith('feed-token:');

/**
 * The actor behind an `Authorization: Bearer tdf_…` header, counting and auditing the use; a
 * missing, unknown or revoked token is refused (and the refusal audited by the error handler).
 */
export async function authenticateFeedToken(
  db: Db,
  header: string | undefined,
  ctx: Ctx,
): Promise<Actor> {
  const token = /^Bearer\s+(tdf_[A-Za-z0-9_-]{20,100})\s*$/.exec(header ?? '')?.[1];
  if (!token) {
    throw new AppError('auth.feed_token_required', '需要数据接口令牌（Authorization: Bearer …）', {
      messageEn: 'a feed token is required (Authorization: Bearer …)',
    });
  }
  const [row] = await db
    .update(feedTokens)
    .set({ lastUsedAt: ctx.now, uses: sql`${feedTokens.uses} + 1` })
    .where(and(eq(feedTokens.tokenHash, hashOf(token)), isNull(feedTokens.revokedAt)))
    .returning();
  if (!row) {
    // Anonymous refusals are not audited in general (audit.hooks.ts); a presented token is: the
    // office must see a revoked platform still knocking.
    await appendAudit(db, ctx, [
      {
        action: 'feed.refused',
        objectType: 'feed_tokens',
        outcome: 'failure',
        detail: `401 auth.feed_token_invalid ${token.slice(0, PREFIX.length + 6)}…`,
      },
    ]);
    throw new AppError('auth.feed_token_invalid', '数据接口令牌无效或已撤销', {
      messageEn: 'the feed token is unknown or revoked',
    });
  }
  const actor = feedActor(row);
  await appendAudit(db, { ...ctx, actor }, [
    { action: 'feed.read', objectType: 'feed_tokens', objectId: row.id, outcome: 'success' },
  ]);
  return actor;
}
