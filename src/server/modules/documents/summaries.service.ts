import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import {
  type SummaryDetail,
  type SummaryListItem,
  summaryEditsInput,
  summaryPeriodInput,
  summaryVersionInput,
} from '../../../contracts/summaries.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound, staleVersion } from '../../errors.ts';
import { can } from '../../policy.ts';
import type { DocumentBlock, OfficialDocument } from './official-document.ts';
import { summaries, summaryVersions } from './summaries.table.ts';
import { applyEdits, type SummaryEdits, type SummaryModel } from './summary.model.ts';
import { assertSummaryRead, buildSummary, summaryPeriod } from './summary.service.ts';
import { summaryDocument } from './summary-render.ts';

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });
const summaryNotFound = (id: number) => notFound('summary', '工作总结', id);

/** Writing a summary is the office's (the coordinators'). */
function assertWrite(ctx: Ctx) {
  assertSummaryRead(ctx);
  if (!can(ctx.actor, 'coordination.write')) throw forbidden();
}

type Row = typeof summaries.$inferSelect;

async function load(db: Db, ctx: Ctx, id: number, lock = false): Promise<Row> {
  const q = db
    .select()
    .from(summaries)
    .where(and(eq(summaries.id, id), eq(summaries.officeId, ctx.actor.officeId)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw summaryNotFound(id);
  return row;
}

async function revisionsOf(db: Db, ids: number[]) {
  if (ids.length === 0) return new Map<number, SummaryListItem['revisions']>();
  const rows = await db
    .select({
      summaryId: summaryVersions.summaryId,
      revision: summaryVersions.revision,
      finalizedBy: summaryVersions.finalizedBy,
      finalizedAt: summaryVersions.finalizedAt,
    })
    .from(summaryVersions)
    .where(inArray(summaryVersions.summaryId, ids))
    .orderBy(asc(summaryVersions.revision));
  const out = new Map<number, SummaryListItem['revisions']>();
  for (const r of rows) {
    const list = out.get(r.summaryId) ?? [];
    list.push({
      revision: r.revision,
      finalizedBy: r.finalizedBy,
      finalizedAt: r.finalizedAt.toISOString(),
    });
    out.set(r.summaryId, list);
  }
  return out;
}

function head(row: Row, revisions: SummaryListItem['revisions']): SummaryListItem {
  return {
    id: row.id,
    from: row.periodFrom,
    to: row.periodTo,
    title: row.title,
    status: row.status,
    revision: row.revision,
    version: row.version,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
    revisions,
  };
}

export async function listSummaries(db: Db, ctx: Ctx): Promise<{ summaries: SummaryListItem[] }> {
  assertSummaryRead(ctx);
  const rows = await db
    .select()
    .from(summaries)
    .where(eq(summaries.officeId, ctx.actor.officeId))
    .orderBy(desc(summaries.periodTo), desc(summaries.periodFrom));
  const revs = await revisionsOf(
    db,
    rows.map((r) => r.id),
  );
  return { summaries: rows.map((r) => head(r, revs.get(r.id) ?? [])) };
}

/** Starts the draft summary of a period (one per office and period: a second is 409). */
export async function createSummary(db: Db, ctx: Ctx, raw: unknown): Promise<SummaryDetail> {
  assertWrite(ctx);
  const input = summaryPeriodInput.parse(raw);
  const period = summaryPeriod(input.from, input.to);
  const [existing] = await db
    .select({ id: summaries.id })
    .from(summaries)
    .where(
      and(
        eq(summaries.officeId, ctx.actor.officeId),
        eq(summaries.periodFrom, input.from),
        eq(summaries.periodTo, input.to),
      ),
    );
  if (existing)
    throw new AppError('summary.duplicate', '该期间的工作总结已存在', {
      messageEn: 'a summary of this period exists',
      id: existing.id,
    });
  const model = await buildSummary(db, ctx, input);
  const [row] = await db
    .insert(summaries)
    .values({
      officeId: ctx.actor.officeId,
      periodFrom: period.from,
      periodTo: period.to,
      title: model.title,
      createdBy: ctx.actor.name,
      updatedBy: ctx.actor.name,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning();
  return detailOf(db, ctx, row!, undefined, model);
}

async function detailOf(
  db: Db,
  ctx: Ctx,
  row: Row,
  revision?: number,
  live?: SummaryModel,
): Promise<SummaryDetail> {
  const revisions = (await revisionsOf(db, [row.id])).get(row.id) ?? [];
  const shown = revision ?? row.revision;
  const frozenWanted = revision !== undefined || row.status === 'final';
  if (frozenWanted) {
    const frozen = await frozenVersion(db, ctx, row.id, shown);
    return {
      ...head(row, revisions),
      shownRevision: shown,
      frozen: true,
      edits: {},
      generated: frozen.model,
      model: frozen.model,
    };
  }
  const generated =
    live ?? (await buildSummary(db, ctx, { from: row.periodFrom, to: row.periodTo }));
  return {
    ...head(row, revisions),
    shownRevision: shown,
    frozen: false,
    edits: row.edits,
    generated,
    model: applyEdits(generated, row.edits),
  };
}

async function frozenVersion(db: Db, ctx: Ctx, summaryId: number, revision: number) {
  const [v] = await db
    .select()
    .from(summaryVersions)
    .where(
      and(
        eq(summaryVersions.summaryId, summaryId),
        eq(summaryVersions.revision, revision),
        eq(summaryVersions.officeId, ctx.actor.officeId),
      ),
    );
  if (!v) throw notFound('summary_version', '工作总结版本', `${summaryId}/${revision}`);
  return v;
}

/** The summary as it reads now: a draft live from the data with its edits; a final one frozen. */
export async function getSummary(
  db: Db,
  ctx: Ctx,
  id: number,
  q: { revision?: number } = {},
): Promise<SummaryDetail> {
  assertSummaryRead(ctx);
  return detailOf(db, ctx, await load(db, ctx, id), q.revision);
}

const notDraft = () =>
  new AppError('summary.not_draft', '工作总结已定稿，请先重新打开为新版本', {
    messageEn: 'the summary is final; re-open it as a new version first',
  });

/** Saves the edited and added paragraphs of a draft (stale version → 409). */
export async function saveSummaryEdits(
  db: Db,
  ctx: Ctx,
  id: number,
  raw: unknown,
): Promise<SummaryDetail> {
  assertWrite(ctx);
  const input = summaryEditsInput.parse(raw);
  await db.transaction(async (tx) => {
    const row = await load(tx, ctx, id, true);
    if (input.version !== row.version) throw staleVersion('summary', row);
    if (row.status !== 'draft') throw notDraft();
    await tx
      .update(summaries)
      .set({
        edits: input.edits as SummaryEdits,
        version: row.version + 1,
        updatedBy: ctx.actor.name,
        updatedAt: ctx.now,
      })
      .where(eq(summaries.id, id));
  });
  return getSummary(db, ctx, id);
}

/** Documents hold image bytes; stored as JSON they travel as base64. */
export function documentToJson(doc: OfficialDocument): unknown {
  return {
    ...doc,
    blocks: doc.blocks.map((b) =>
      b.kind === 'image' ? { ...b, png: { base64: b.png.toString('base64') } } : b,
    ),
  };
}
export function documentFromJson(json: unknown): OfficialDocument {
  const doc = json as OfficialDocument;
  return {
    ...doc,
    blocks: doc.blocks.map((b) => {
      if (b.kind !== 'image') return b;
      const png = b.png as unknown as { base64: string };
      return { ...b, png: Buffer.from(png.base64, 'base64') } as DocumentBlock;
    }),
  };
}

/** Freezes the current revision: the text, the document and the figures as they read now. */
export async function finalizeSummary(
  db: Db,
  ctx: Ctx,
  id: number,
  raw: unknown,
): Promise<SummaryDetail> {
  assertWrite(ctx);
  const input = summaryVersionInput.parse(raw);
  const pre = await load(db, ctx, id);
  if (input.version !== pre.version) throw staleVersion('summary', pre);
  if (pre.status !== 'draft') throw notDraft();
  // the figures and the document are made outside the transaction (they read a lot and render)
  const generated = await buildSummary(db, ctx, { from: pre.periodFrom, to: pre.periodTo });
  const model = applyEdits(generated, pre.edits);
  const doc = await summaryDocument(model, { now: ctx.now });
  await db.transaction(async (tx) => {
    const row = await load(tx, ctx, id, true);
    if (input.version !== row.version) throw staleVersion('summary', row);
    await tx.insert(summaryVersions).values({
      officeId: ctx.actor.officeId,
      summaryId: id,
      revision: row.revision,
      title: model.title,
      model,
      document: documentToJson(doc),
      figures: model.figures,
      finalizedBy: ctx.actor.name,
      finalizedAt: ctx.now,
    });
    await tx
      .update(summaries)
      .set({
        status: 'final',
        title: model.title,
        version: row.version + 1,
        updatedBy: ctx.actor.name,
        updatedAt: ctx.now,
      })
      .where(eq(summaries.id, id));
  });
  return getSummary(db, ctx, id);
}

/** Re-opens a final summary as the next revision's draft; the frozen revision stays as it was. */
export async function reopenSummary(
  db: Db,
  ctx: Ctx,
  id: number,
  raw: unknown,
): Promise<SummaryDetail> {
  assertWrite(ctx);
  const input = summaryVersionInput.parse(raw);
  await db.transaction(async (tx) => {
    const row = await load(tx, ctx, id, true);
    if (input.version !== row.version) throw staleVersion('summary', row);
    if (row.status !== 'final')
      throw new AppError('summary.not_final', '工作总结尚未定稿', {
        messageEn: 'the summary is not final',
      });
    await tx
      .update(summaries)
      .set({
        status: 'draft',
        revision: row.revision + 1,
        version: row.version + 1,
        updatedBy: ctx.actor.name,
        updatedAt: ctx.now,
      })
      .where(eq(summaries.id, id));
  });
  return getSummary(db, ctx, id);
}

/** The document to download: a finalised revision as frozen, a draft as it reads now. */
export async function summaryDocumentFor(
  db: Db,
  ctx: Ctx,
  id: number,
  q: { revision?: number } = {},
): Promise<{ doc: OfficialDocument; row: Row; revision: number }> {
  assertSummaryRead(ctx);
  const row = await load(db, ctx, id);
  const revision = q.revision ?? row.revision;
  if (q.revision !== undefined || row.status === 'final') {
    const v = await frozenVersion(db, ctx, id, revision);
    return { doc: documentFromJson(v.document), row, revision };
  }
  const generated = await buildSummary(db, ctx, { from: row.periodFrom, to: row.periodTo });
  const doc = await summaryDocument(applyEdits(generated, row.edits), { now: ctx.now });
  return { doc, row, revision };
}
