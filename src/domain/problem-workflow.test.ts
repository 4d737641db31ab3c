import { describe, expect, it } from 'vitest';
import {
  assertTransition,
  legalActions,
  PROBLEM_ACTIONS,
  PROBLEM_STATUSES,
  type ProblemAction,
  type ProblemStatus,
  ProblemTransitionError,
} from './problem-workflow.ts';

/** The workflow written out by hand: [from, action, to]; every pair not listed must throw. */
const LEGAL: [ProblemStatus, ProblemAction, ProblemStatus][] = [
  ['open', 'coordinate', 'coordinating'],
  ['escalated', 'coordinate', 'coordinating'],
  ['open', 'resolve', 'resolved'],
  ['coordinating', 'resolve', 'resolved'],
  ['escalated', 'resolve', 'resolved'],
  ['open', 'escalate', 'escalated'],
  ['coordinating', 'escalate', 'escalated'],
];

describe('problem workflow', () => {
  for (const [from, action, to] of LEGAL) {
    it(`${from} --${action}--> ${to}`, () => {
      expect(assertTransition(from, action)).toBe(to);
    });
  }

  it('refuses every other move', () => {
    for (const from of PROBLEM_STATUSES) {
      for (const action of PROBLEM_ACTIONS) {
        if (LEGAL.some(([f, a]) => f === from && a === action)) continue;
        expect(() => assertTransition(from, action)).toThrow(ProblemTransitionError);
      }
    }
    expect(() => assertTransition('resolved', 'escalate')).toThrow('已解决的问题不能提级处理');
  });

  it('a resolved problem is the end', () => {
    expect(legalActions('resolved')).toEqual([]);
  });
});
