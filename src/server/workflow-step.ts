import { TransitionError } from '../domain/workflow.ts';
import type { Ctx } from './context.ts';
import type { Db } from './db.ts';
import { AppError, staleVersion } from './errors.ts';

/** The columns every workflow record (交办事项, 问题, 整改, 督办单) carries. */
type WorkflowRow<S extends string> = {
  status: S;
  version: number;
  updatedBy?: string | null;
  updatedAt?: Date | null;
};

export type StepOptions<Row> = {
  /** the version the caller saw; a different current version is a 409 */
  version?: number;
  /** the history row's note (the answer, the reason, the verdict) */
  note?: string | null;
  /** refuses the step from the locked current row, after the transition is known legal */
  check?: (current: Row) => void;
  /** extra columns the step sets, from the locked current row */
  set?: (current: Row, tx: Db) => Partial<Row> | Promise<Partial<Row>>;
};

export type StepEvent<Row, S extends string, A extends string> = {
  action: A;
  fromStatus: S;
  toStatus: S;
  note: string | null;
  current: Row;
  updated: Row;
};

/**
 * What differs between the record types: the table, who may see and act, the transition table,
 * the history row. The steps themselves (lock, scope, role, version, transition, update, history)
 * are the same for all and live in `workflowSteps`.
 */
export type WorkflowSpec<Row extends WorkflowRow<S>, S extends string, A extends string, V, O> = {
  /** the error codes' prefix: `action_item` gives action_item.stale, action_item.not_allowed */
  what: string;
  /** the record in English, for messageEn */
  nounEn: string;
  /** the row, locked for the transaction, within the actor's office */
  lock: (tx: Db, ctx: Ctx, id: number) => Promise<Row | undefined>;
  /** outside the actor's scope the record does not exist (404, never 403) */
  visible: (ctx: Ctx, row: Row) => boolean;
  /** whether the actor's role may take this action on this record */
  allowed: (ctx: Ctx, row: Row, action: A) => boolean;
  notFound: (id: number) => AppError;
  transition: (from: S, action: A) => S;
  update: (tx: Db, id: number, values: Partial<Row>) => Promise<Row>;
  record: (tx: Db, ctx: Ctx, id: number, event: StepEvent<Row, S, A>, opts: O) => Promise<void>;
  view: (tx: Db, ctx: Ctx, id: number) => Promise<V>;
};

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

/**
 * One workflow step, in one transaction: row lock, scope (404 outside it), role for the step,
 * version check (409), legal transition, the update and its history row.
 */
export function workflowSteps<
  Row extends WorkflowRow<S>,
  S extends string,
  A extends string,
  V,
  O extends StepOptions<Row> = StepOptions<Row>,
>(spec: WorkflowSpec<Row, S, A, V, O>) {
  return (db: Db, ctx: Ctx, id: number, action: A, opts: O): Promise<V> =>
    db.transaction(async (tx) => {
      const current = await spec.lock(tx, ctx, id);
      if (!current || !spec.visible(ctx, current)) throw spec.notFound(id);
      if (!spec.allowed(ctx, current, action)) throw forbidden();
      if (opts.version !== undefined && opts.version !== current.version) {
        throw staleVersion(spec.what, current);
      }
      let to: S;
      try {
        to = spec.transition(current.status, action);
      } catch (e) {
        if (e instanceof TransitionError) {
          throw new AppError(`${spec.what}.not_allowed`, e.message, {
            field: 'status',
            status: current.status,
            messageEn: `a ${current.status} ${spec.nounEn} does not allow ${action}`,
          });
        }
        throw e;
      }
      opts.check?.(current);
      const extra = (await opts.set?.(current, tx)) ?? {};
      const updated = await spec.update(tx, id, {
        ...extra,
        status: to,
        version: current.version + 1,
        updatedBy: ctx.actor.name,
        updatedAt: ctx.now,
      } as Partial<Row>);
      const event = {
        action,
        fromStatus: current.status,
        toStatus: to,
        note: opts.note ?? null,
        current,
        updated,
      };
      await spec.record(tx, ctx, id, event, opts);
      return spec.view(tx, ctx, id);
    });
}
