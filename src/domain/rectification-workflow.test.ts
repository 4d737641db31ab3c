import { describe, expect, it } from 'vitest';
import { isOverdue as actionItemIsOverdue } from './action-item-workflow.ts';
import {
  assertTransition,
  daysOverdue,
  isOverdue,
  legalActions,
  RECTIFICATION_ACTIONS,
  RECTIFICATION_STATUSES,
  type RectificationAction,
  type RectificationStatus,
  RectificationTransitionError,
  rectificationFigures,
} from './rectification-workflow.ts';

/** The workflow written out by hand: [from, action, to]; every pair not listed must throw. */
const LEGAL: [RectificationStatus, RectificationAction, RectificationStatus][] = [
  ['open', 'answer', 'answered'],
  ['answered', 'answer', 'answered'],
  ['open', 'report_done', 'reported_done'],
  ['answered', 'report_done', 'reported_done'],
  ['reported_done', 'close', 'closed'],
  ['reported_done', 'send_back', 'open'],
];

describe('rectification workflow', () => {
  for (const [from, action, to] of LEGAL) {
    it(`${from} --${action}--> ${to}`, () => {
      expect(assertTransition(from, action)).toBe(to);
    });
  }

  it('refuses every other move with a sentence naming the status and the step', () => {
    let refused = 0;
    for (const from of RECTIFICATION_STATUSES) {
      for (const action of RECTIFICATION_ACTIONS) {
        if (LEGAL.some(([f, a]) => f === from && a === action)) continue;
        expect(() => assertTransition(from, action)).toThrow(RectificationTransitionError);
        refused++;
      }
    }
    expect(refused).toBe(
      RECTIFICATION_STATUSES.length * RECTIFICATION_ACTIONS.length - LEGAL.length,
    );
    expect(() => assertTransition('closed', 'answer')).toThrow('已销号的整改任务不能反馈进展');
    expect(() => assertTransition('open', 'close')).toThrow('整改中的整改任务不能核销（销号）');
    // a task awaiting verification is the office's: the unit cannot add to it meanwhile
    expect(() => assertTransition('reported_done', 'answer')).toThrow(RectificationTransitionError);
  });

  it('a closed task is the end: nothing moves it', () => {
    expect(legalActions('closed')).toEqual([]);
    expect(legalActions('open')).toEqual(['answer', 'report_done']);
    expect(legalActions('reported_done')).toEqual(['close', 'send_back']);
  });
});

describe('overdue: the action items’ rule, on the offices’ calendar', () => {
  const task = (deadline: string, status: RectificationStatus = 'open') => ({ deadline, status });

  it('is not overdue on the deadline day itself, and is the day after (China Standard Time)', () => {
    expect(isOverdue(task('2024-12-20'), new Date('2024-12-20T15:30:00Z'))).toBe(false);
    expect(isOverdue(task('2024-12-20'), new Date('2024-12-20T16:30:00Z'))).toBe(true);
    expect(daysOverdue(task('2024-12-20'), new Date('2024-12-20T16:30:00Z'))).toBe(1);
    expect(daysOverdue(task('2024-12-20'), new Date('2025-01-20T02:00:00Z'))).toBe(31);
  });

  it('counts every status but closed, and agrees with the action items’ rule', () => {
    const late = new Date('2025-01-10T02:00:00Z');
    for (const status of RECTIFICATION_STATUSES) {
      expect([status, isOverdue(task('2024-12-31', status), late)]).toEqual([
        status,
        status !== 'closed',
      ]);
      expect(isOverdue(task('2024-12-31', status), late)).toBe(
        actionItemIsOverdue(
          { deadline: '2024-12-31', status: status === 'closed' ? 'closed' : 'open' },
          late,
        ),
      );
    }
    expect(daysOverdue(task('2024-12-31', 'closed'), late)).toBe(0);
  });
});

describe('the header figures', () => {
  it('divides exact counts and rounds half-up once, to one decimal', () => {
    // 15 / 16 = 93.75 % → 93.8; 1 / 16 = 6.25 % → 6.3 (half-up, not to even)
    expect(rectificationFigures({ total: 16, answered: 15, closed: 1, overdue: 2 })).toEqual({
      total: 16,
      answered: 15,
      answeredRate: '93.8',
      closed: 1,
      closedRate: '6.3',
      overdue: 2,
    });
    expect(rectificationFigures({ total: 3, answered: 3, closed: 2, overdue: 0 })).toMatchObject({
      answeredRate: '100.0',
      closedRate: '66.7',
    });
  });

  it('has no rate when there is nothing to rectify', () => {
    expect(rectificationFigures({ total: 0, answered: 0, closed: 0, overdue: 0 })).toMatchObject({
      answeredRate: null,
      closedRate: null,
    });
  });
});
