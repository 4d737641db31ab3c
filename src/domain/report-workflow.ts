/** The life of a monthly report: draft → submitted → approved, or returned → resubmitted. */
export const REPORT_STATUSES = ['draft', 'submitted', 'approved', 'returned'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export type ReportAction = 'submit' | 'approve' | 'return' | 'edit';

/** Which action may move a report from which status to which: the whole workflow as data. */
export const REPORT_TRANSITIONS: Record<
  ReportAction,
  { from: readonly ReportStatus[]; to: ReportStatus | null }
> = {
  edit: { from: ['draft', 'returned'], to: null },
  submit: { from: ['draft', 'returned'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  return: { from: ['submitted'], to: 'returned' },
};

export const REPORT_STATUS_ZH: Record<ReportStatus, string> = {
  draft: '草稿',
  submitted: '待审核',
  approved: '已审核',
  returned: '已退回',
};

const ACTION_ZH: Record<ReportAction, string> = {
  edit: '修改',
  submit: '提交',
  approve: '审核通过',
  return: '退回',
};

export class TransitionError extends Error {
  constructor(
    readonly action: ReportAction,
    readonly from: ReportStatus,
  ) {
    super(`${REPORT_STATUS_ZH[from]}状态的月报不能${ACTION_ZH[action]}`);
    this.name = 'TransitionError';
  }
}

/** Returns the status after the action, or throws TransitionError when the move is not legal. */
export function assertTransition(from: ReportStatus, action: ReportAction): ReportStatus {
  const rule = REPORT_TRANSITIONS[action];
  if (!rule.from.includes(from)) throw new TransitionError(action, from);
  return rule.to ?? from;
}

/** Reports that count as "reported" for the month: handed in, whether reviewed yet or not. */
export function isReported(status: ReportStatus): boolean {
  return status === 'submitted' || status === 'approved';
}
