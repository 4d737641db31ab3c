import { describe, expect, it } from 'vitest';
import {
  assertTransition,
  isReported,
  REPORT_STATUS_ZH,
  REPORT_STATUSES,
  REPORT_TRANSITIONS,
  type ReportAction,
  type ReportStatus,
  TransitionError,
} from './report-workflow.ts';

const ACTIONS: ReportAction[] = ['edit', 'submit', 'approve', 'return'];

/** The workflow written out by hand: [from, action, to]; every pair not listed must throw. */
const LEGAL: [ReportStatus, ReportAction, ReportStatus][] = [
  ['draft', 'edit', 'draft'],
  ['returned', 'edit', 'returned'],
  ['draft', 'submit', 'submitted'],
  ['returned', 'submit', 'submitted'],
  ['submitted', 'approve', 'approved'],
  ['submitted', 'return', 'returned'],
];

const isLegal = (from: ReportStatus, action: ReportAction) =>
  LEGAL.some(([f, a]) => f === from && a === action);

const ILLEGAL: [ReportStatus, ReportAction][] = REPORT_STATUSES.flatMap((from) =>
  ACTIONS.filter((action) => !isLegal(from, action)).map(
    (action) => [from, action] as [ReportStatus, ReportAction],
  ),
);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('REPORT_TRANSITIONS', () => {
  it('is the documented workflow table', () => {
    expect(REPORT_TRANSITIONS).toEqual({
      edit: { from: ['draft', 'returned'], to: null },
      submit: { from: ['draft', 'returned'], to: 'submitted' },
      approve: { from: ['submitted'], to: 'approved' },
      return: { from: ['submitted'], to: 'returned' },
    });
  });

  it('leaves 10 of the 16 status × action pairs illegal', () => {
    expect(REPORT_STATUSES).toEqual(['draft', 'submitted', 'approved', 'returned']);
    expect(LEGAL).toHaveLength(6);
    expect(ILLEGAL).toHaveLength(10);
  });
});

describe('assertTransition: legal moves', () => {
  it.each(LEGAL)('%s --%s--> %s', (from, action, to) => {
    expect(assertTransition(from, action)).toBe(to);
  });

  it('agrees with the table for every legal move', () => {
    for (const action of ACTIONS) {
      const rule = REPORT_TRANSITIONS[action];
      for (const from of rule.from) {
        expect(assertTransition(from, action)).toBe(rule.to ?? from);
      }
    }
  });

  it('runs the whole life of a report: draft → submitted → returned → submitted → approved', () => {
    let status: ReportStatus = 'draft';
    status = assertTransition(status, 'edit');
    status = assertTransition(status, 'submit');
    expect(status).toBe('submitted');
    status = assertTransition(status, 'return');
    expect(status).toBe('returned');
    status = assertTransition(status, 'edit');
    status = assertTransition(status, 'submit');
    status = assertTransition(status, 'approve');
    expect(status).toBe('approved');
  });
});

describe('assertTransition: illegal moves', () => {
  it.each(ILLEGAL)('%s cannot %s', (from, action) => {
    const error = thrown(() => assertTransition(from, action));
    expect(error).toBeInstanceOf(TransitionError);
    expect(error).toBeInstanceOf(Error);
    expect((error as TransitionError).action).toBe(action);
    expect((error as TransitionError).from).toBe(from);
  });

  it('agrees with the table for every illegal move', () => {
    for (const action of ACTIONS) {
      for (const from of REPORT_STATUSES) {
        if (REPORT_TRANSITIONS[action].from.includes(from)) continue;
        expect(() => assertTransition(from, action)).toThrow(TransitionError);
      }
    }
  });

  it('says in Chinese what cannot be done', () => {
    expect(() => assertTransition('draft', 'approve')).toThrow('草稿状态的月报不能审核通过');
    expect(() => assertTransition('approved', 'edit')).toThrow('已审核状态的月报不能修改');
    expect(() => assertTransition('submitted', 'submit')).toThrow('待审核状态的月报不能提交');
    expect(() => assertTransition('returned', 'return')).toThrow('已退回状态的月报不能退回');
  });

  it('names the examples from the brief', () => {
    expect(() => assertTransition('draft', 'approve')).toThrow(TransitionError);
    expect(assertTransition('returned', 'submit')).toBe('submitted');
    expect(() => assertTransition('approved', 'edit')).toThrow(TransitionError);
    expect(() => assertTransition('approved', 'return')).toThrow(TransitionError);
    expect(() => assertTransition('approved', 'approve')).toThrow(TransitionError);
    expect(() => assertTransition('submitted', 'edit')).toThrow(TransitionError);
  });
});

describe('isReported', () => {
  it('counts submitted and approved, not draft or returned', () => {
    expect(REPORT_STATUSES.filter(isReported)).toEqual(['submitted', 'approved']);
  });
});

describe('REPORT_STATUS_ZH', () => {
  it('names every status', () => {
    expect(REPORT_STATUS_ZH).toEqual({
      draft: '草稿',
      submitted: '待审核',
      approved: '已审核',
      returned: '已退回',
    });
  });
});
