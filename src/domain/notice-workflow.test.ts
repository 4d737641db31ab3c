import { describe, expect, it } from 'vitest';
import {
  assertTransition,
  formatNoticeNumber,
  isEscalated,
  legalActions,
  monthsEndingAt,
  NOTICE_ACTIONS,
  NOTICE_STATUSES,
  type NoticeAction,
  type NoticeStatus,
  NoticeTransitionError,
  patternProblem,
} from './notice-workflow.ts';

/** The workflow written out by hand: [from, action, to]; every pair not listed must throw. */
const LEGAL: [NoticeStatus, NoticeAction, NoticeStatus][] = [
  ['issued', 'answer', 'answered'],
  ['answered', 'answer', 'answered'],
  ['answered', 'close', 'closed'],
  ['answered', 'send_back', 'issued'],
];

describe('supervision notice workflow', () => {
  for (const [from, action, to] of LEGAL) {
    it(`${from} --${action}--> ${to}`, () => {
      expect(assertTransition(from, action)).toBe(to);
    });
  }

  it('refuses every other move with a sentence naming the status and the step', () => {
    let refused = 0;
    for (const from of NOTICE_STATUSES) {
      for (const action of NOTICE_ACTIONS) {
        if (LEGAL.some(([f, a]) => f === from && a === action)) continue;
        expect(() => assertTransition(from, action)).toThrow(NoticeTransitionError);
        refused++;
      }
    }
    expect(refused).toBe(NOTICE_STATUSES.length * NOTICE_ACTIONS.length - LEGAL.length);
    expect(() => assertTransition('issued', 'close')).toThrow('待反馈的督办单不能核实销号');
    expect(() => assertTransition('closed', 'answer')).toThrow('已销号的督办单不能反馈整改措施');
  });

  it('a closed notice is the end: nothing moves it', () => {
    expect(legalActions('closed')).toEqual([]);
    expect(legalActions('answered')).toEqual(['answer', 'close', 'send_back']);
  });
});

describe('escalation, on the offices’ calendar (China Standard Time)', () => {
  it('an unanswered notice escalates the day after its deadline, not on it', () => {
    const n = { status: 'issued' as const, deadline: '2023-06-30' };
    expect(isEscalated(n, new Date('2023-06-30T15:30:00Z'))).toBe(false);
    // 2023-07-01 00:30 in Shanghai
    expect(isEscalated(n, new Date('2023-06-30T16:30:00Z'))).toBe(true);
  });

  it('an answered or closed notice does not: it is the office’s turn, or done', () => {
    const late = new Date('2023-08-01T02:00:00Z');
    for (const status of NOTICE_STATUSES) {
      expect([status, isEscalated({ status, deadline: '2023-07-01' }, late)]).toEqual([
        status,
        status === 'issued',
      ]);
    }
  });
});

describe('numbering', () => {
  it('fills the year and the number into the office’s pattern', () => {
    expect(formatNoticeNumber('光科建督〔{year}〕{n}号', 2023, 7)).toBe('光科建督〔2023〕7号');
    expect(formatNoticeNumber('督-{n}', 2024, 12)).toBe('督-12');
  });

  it('refuses a pattern without {n} or {year}, or with an unknown placeholder', () => {
    expect(patternProblem('光科建督〔{year}〕{n}号')).toBeNull();
    expect(patternProblem('光科建督〔{year}〕号')).toMatch('{n}');
    expect(patternProblem('督〔{year}〕{n}号{x}')).toMatch('{x}');
    expect(patternProblem('督-{n}')).toMatch('{year}');
  });

  it('counts months back across a year end', () => {
    expect(monthsEndingAt({ year: 2024, month: 2 }, 3)).toEqual([
      { year: 2023, month: 12 },
      { year: 2024, month: 1 },
      { year: 2024, month: 2 },
    ]);
  });
});
