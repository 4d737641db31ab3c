import { describe, expect, it } from 'vitest';
import { isReportDue } from './reporting-duty.ts';

describe('which projects owe a monthly report', () => {
  it('a project being prepared or built with a plan for the year', () => {
    expect(isReportDue({ phase: 'construction', hasPlan: true })).toBe(true);
    expect(isReportDue({ phase: 'preparation', hasPlan: true })).toBe(true);
  });
  it('not a finished or in-use project, nor one without a plan for the year', () => {
    expect(isReportDue({ phase: 'completed', hasPlan: true })).toBe(false);
    expect(isReportDue({ phase: 'in_use', hasPlan: true })).toBe(false);
    expect(isReportDue({ phase: 'construction', hasPlan: false })).toBe(false);
  });
});
