import { describe, expect, it } from 'vitest';
import {
  ACTION_ITEM_ACTIONS,
  ACTION_ITEM_STATUSES,
  type ActionItemAction,
  type ActionItemStatus,
  ActionItemTransitionError,
  assertTransition,
  daysOverdue,
  isOverdue,
  legalActions,
} from './action-item-workflow.ts';

/** The workflow written out by hand: [from, action, to]; every pair not listed must throw. */
const LEGAL: [ActionItemStatus, ActionItemAction, ActionItemStatus][] = [
  ['open', 'answer', 'answered'],
  ['answered', 'answer', 'answered'],
  ['open', 'request_extension', 'extension_requested'],
  ['answered', 'request_extension', 'extension_requested'],
  ['extension_requested', 'approve_extension', 'open'],
  ['extension_requested', 'reject_extension', 'open'],
  ['open', 'report_done', 'reported_done'],
  ['answered', 'report_done', 'reported_done'],
  ['reported_done', 'close', 'closed'],
  ['reported_done', 'send_back', 'open'],
];

describe('action item workflow', () => {
  for (const [from, action, to] of LEGAL) {
    it(`${from} --${action}--> ${to}`, () => {
      expect(assertTransition(from, action)).toBe(to);
    });
  }

  it('refuses every other move with a sentence naming the status and the step', () => {
    let refused = 0;
    for (const from of ACTION_ITEM_STATUSES) {
      for (const action of ACTION_ITEM_ACTIONS) {
        if (LEGAL.some(([f, a]) => f === from && a === action)) continue;
        expect(() => assertTransition(from, action)).toThrow(ActionItemTransitionError);
        refused++;
      }
    }
    expect(refused).toBe(ACTION_ITEM_STATUSES.length * ACTION_ITEM_ACTIONS.length - LEGAL.length);
    expect(() => assertTransition('closed', 'answer')).toThrow('已销号的交办事项不能反馈进展');
    expect(() => assertTransition('open', 'close')).toThrow('办理中的交办事项不能核销（销号）');
  });

  it('a closed item is the end: nothing moves it', () => {
    expect(legalActions('closed')).toEqual([]);
    expect(legalActions('extension_requested')).toEqual(['approve_extension', 'reject_extension']);
  });
});

describe('overdue, on the offices’ calendar (China Standard Time)', () => {
  const item = (deadline: string, status: ActionItemStatus = 'open') => ({ deadline, status });

  it('is not overdue on the deadline day itself, and is the day after', () => {
    // 2023-06-30 23:30 in Shanghai is 15:30 UTC: still the deadline day
    expect(isOverdue(item('2023-06-30'), new Date('2023-06-30T15:30:00Z'))).toBe(false);
    // 2023-07-01 00:30 in Shanghai is 2023-06-30 16:30 UTC: the day after, though UTC still says the 30th
    expect(isOverdue(item('2023-06-30'), new Date('2023-06-30T16:30:00Z'))).toBe(true);
    expect(daysOverdue(item('2023-06-30'), new Date('2023-06-30T16:30:00Z'))).toBe(1);
    expect(daysOverdue(item('2023-06-30'), new Date('2023-07-31T02:00:00Z'))).toBe(31);
  });

  it('counts every status but closed, a reported item awaiting verification included', () => {
    const late = new Date('2023-08-01T02:00:00Z');
    for (const status of ACTION_ITEM_STATUSES) {
      expect([status, isOverdue(item('2023-07-15', status), late)]).toEqual([
        status,
        status !== 'closed',
      ]);
    }
    expect(daysOverdue(item('2023-07-15', 'closed'), late)).toBe(0);
  });
});
