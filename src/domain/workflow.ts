/**
 * A record's life as data (交办事项, 问题, 整改, 督办单): which action moves it from which statuses
 * to which. Each module states its table; the checks are the same for all.
 */
export type Transitions<S extends string, A extends string> = Record<
  A,
  { from: readonly S[]; to: S }
>;

/** An action the workflow does not allow from the record's status, said in the office's words. */
export class TransitionError<S extends string = string, A extends string = string> extends Error {
  constructor(
    readonly action: A,
    readonly from: S,
    message: string,
  ) {
    super(message);
    this.name = 'TransitionError';
  }
}

export function defineWorkflow<S extends string, A extends string>(def: {
  /** the record in Chinese, for the refusal: 交办事项 */
  noun: string;
  actions: readonly A[];
  transitions: Transitions<S, A>;
  statusZh: Record<S, string>;
  actionZh: Record<A, string>;
}) {
  return {
    /** The status after the action, or a TransitionError when the move is not legal. */
    assertTransition(from: S, action: A): S {
      const rule = def.transitions[action];
      if (!rule.from.includes(from)) {
        throw new TransitionError(
          action,
          from,
          `${def.statusZh[from]}的${def.noun}不能${def.actionZh[action]}`,
        );
      }
      return rule.to;
    },
    /** The actions the workflow allows from a status (before asking who may take them). */
    legalActions(from: S): A[] {
      return def.actions.filter((a) => def.transitions[a].from.includes(from));
    },
  };
}
