import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percent } from './money.ts';
import type { YearMonth } from './periods.ts';
import { isReportDue } from './reporting-duty.ts';
import {
  type ApprovedHistory,
  DEFAULT_THRESHOLDS,
  evaluateWarning,
  finalLevel,
  LEVEL_EN,
  LEVEL_ZH,
  LEVELS,
  type Level,
  latenessAsOf,
  milestoneLateness,
  type WarningInput,
  type WarningResult,
  type WarningThresholds,
  worstLevel,
} from './warning-rules.ts';

const RANK: Record<Level, number> = { green: 0, yellow: 1, red: 2 };

/** June 2024 (month end 2024-06-30), a plan of 1,000.00万 to date, fully reported. */
function input(over: Partial<WarningInput> = {}): WarningInput {
  return {
    period: { year: 2024, month: 6 },
    plan: { annualTarget: '2000.00', timingTarget: '1000.00' },
    actual: '1000.00',
    reported: true,
    milestones: [],
    ...over,
  };
}

function investment(actual: string, timingTarget = '1000.00', t?: WarningThresholds) {
  const result = evaluateWarning(
    input({ actual, plan: { annualTarget: '2000.00', timingTarget } }),
    t,
  );
  const reasons = result.reasons.filter((r) => r.rule === 'investment');
  expect(reasons).toHaveLength(1);
  return { result, reason: reasons[0] };
}

/** One milestone named 开工 on a project without a plan, so only the milestone rule can speak. */
function milestone(
  plannedDate: string | null,
  actualDate: string | null = null,
  over: Partial<WarningInput> = {},
): WarningResult {
  return evaluateWarning(
    input({
      plan: null,
      actual: '0.00',
      milestones: [{ name: '开工', plannedDate, actualDate }],
      ...over,
    }),
  );
}

describe('worstLevel', () => {
  it('is green for nothing', () => {
    expect(worstLevel([])).toBe('green');
  });

  it('picks the worst', () => {
    expect(worstLevel(['green', 'green'])).toBe('green');
    expect(worstLevel(['yellow', 'green'])).toBe('yellow');
    expect(worstLevel(['green', 'red', 'yellow'])).toBe('red');
    expect(worstLevel(new Set<Level>(['red', 'green']))).toBe('red');
  });
});

describe('level names', () => {
  it('names every level in both languages', () => {
    expect(LEVELS).toEqual(['green', 'yellow', 'red']);
    expect(LEVEL_ZH).toEqual({ green: '按期推进', yellow: '提请关注', red: '督办' });
    expect(LEVEL_EN).toEqual({
      green: 'On schedule',
      yellow: 'Needs attention',
      red: 'Supervised',
    });
  });

  it('has the documented default thresholds', () => {
    expect(DEFAULT_THRESHOLDS).toEqual({
      investmentGreenAtPercent: 100,
      investmentRedBelowPercent: 80,
      milestoneRedAfterDays: 30,
      missingReportLevel: 'yellow',
      staleReportAfterDays: 45,
      staleProgressMonths: 3,
    });
  });
});

describe('investment rule', () => {
  it('is green at exactly 100%', () => {
    const { result, reason } = investment('1000.00');
    expect(result.level).toBe('green');
    expect(result.reasons).toEqual([
      {
        rule: 'investment',
        level: 'green',
        zh: '1–6月累计完成1,000.00万元，为时序目标1,000.00万元的100.0%，达到时序目标',
        en: 'Jan–Jun cumulative 1,000.00 10k yuan is 100.0% of the timing target 1,000.00 10k yuan, on target',
      },
    ]);
    expect(reason.level).toBe('green');
  });

  it('is green above 100%', () => {
    const { result, reason } = investment('1500.00');
    expect(result.level).toBe('green');
    expect(reason.zh).toContain('的150.0%，达到时序目标');
  });

  it('is yellow at 99.94% (shown 99.9%)', () => {
    const { result, reason } = investment('999.40');
    expect(result.level).toBe('yellow');
    expect(reason.level).toBe('yellow');
    expect(reason.zh).toMatch(/，低于100%$/);
    expect(reason.en).toMatch(/, below 100%$/);
  });

  it('is yellow at exactly 80%', () => {
    const { result, reason } = investment('800.00');
    expect(result.level).toBe('yellow');
    expect(reason).toEqual({
      rule: 'investment',
      level: 'yellow',
      zh: '1–6月累计完成800.00万元，为时序目标1,000.00万元的80.0%，低于100%',
      en: 'Jan–Jun cumulative 800.00 10k yuan is 80.0% of the timing target 1,000.00 10k yuan, below 100%',
    });
  });

  it('is red at 79.94% (shown 79.9%)', () => {
    const { result, reason } = investment('799.40');
    expect(result.level).toBe('red');
    expect(reason.level).toBe('red');
    expect(reason.zh).toMatch(/，低于80%$/);
    expect(reason.en).toMatch(/, below 80%$/);
  });

  it('is red with nothing done', () => {
    const { result, reason } = investment('0.00');
    expect(result.level).toBe('red');
    expect(reason.zh).toBe('1–6月累计完成0.00万元，为时序目标1,000.00万元的0.0%，低于80%');
  });

  it('puts the numbers in the sentence, e.g. 76.0%', () => {
    const { reason } = investment('760.00');
    expect(reason).toEqual({
      rule: 'investment',
      level: 'red',
      zh: '1–6月累计完成760.00万元，为时序目标1,000.00万元的76.0%，低于80%',
      en: 'Jan–Jun cumulative 760.00 10k yuan is 76.0% of the timing target 1,000.00 10k yuan, below 80%',
    });
  });

  it('writes large sums in 亿元 (the design’s 1–9月 3.2亿元 / 76% example)', () => {
    const result = evaluateWarning(
      input({
        period: { year: 2024, month: 9 },
        plan: { annualTarget: '50000.00', timingTarget: '42000.00' },
        actual: '31920.00',
      }),
    );
    expect(result).toEqual({
      level: 'red',
      reasons: [
        {
          rule: 'investment',
          level: 'red',
          zh: '1–9月累计完成3.19亿元，为时序目标4.20亿元的76.0%，低于80%',
          en: 'Jan–Sep cumulative 3.19 100M yuan is 76.0% of the timing target 4.20 100M yuan, below 80%',
        },
      ],
    });
  });

  it('switches to 亿元 at exactly 10,000万', () => {
    const { reason } = investment('9999.99', '20000.00');
    expect(reason.zh).toBe('1–6月累计完成9,999.99万元，为时序目标2.00亿元的50.0%，低于80%');
    const at = investment('10000.00', '20000.00').reason;
    expect(at.zh).toBe('1–6月累计完成1.00亿元，为时序目标2.00亿元的50.0%，低于80%');
    expect(at.en).toBe(
      'Jan–Jun cumulative 1.00 100M yuan is 50.0% of the timing target 2.00 100M yuan, below 80%',
    );
  });

  it('says 1月 / January for the first month', () => {
    const result = evaluateWarning(input({ period: { year: 2024, month: 1 }, actual: '500.00' }));
    expect(result.reasons[0].zh).toBe(
      '1月累计完成500.00万元，为时序目标1,000.00万元的50.0%，低于80%',
    );
    expect(result.reasons[0].en).toBe(
      'January cumulative 500.00 10k yuan is 50.0% of the timing target 1,000.00 10k yuan, below 80%',
    );
  });

  it('rounds the rate half-up on the exact decimal, as every page does (issue 15 item 5)', () => {
    // 74.05% exactly: a float division gives 74.04999…, which rounded the sentence to 74.0%
    // while the project page showed 74.1% for the same month.
    expect(investment('740.50').reason.zh).toContain('的74.1%');
    expect(investment('740.50').reason.zh).toContain(`的${percent('740.50', '1000.00')}%`);
    expect(investment('740.49').reason.zh).toContain('的74.0%');
    expect(investment('3319.18', '4482.35').reason.zh).toContain(
      `的${percent('3319.18', '4482.35')}%`,
    );
  });

  it('judges the level on the shown rate, so the sentence never contradicts the level', () => {
    const at = investment('999.50');
    expect(at.reason.zh).toContain('的100.0%，达到时序目标');
    expect(at.result.level).toBe('green');
    expect(investment('999.49').reason.zh).toContain('的99.9%，低于100%');
    expect(investment('799.50').reason.zh).toContain('的80.0%，低于100%');
    expect(investment('799.49').reason.zh).toContain('的79.9%，低于80%');
  });

  it('does not apply when the timing target is zero', () => {
    for (const timingTarget of ['0', '0.00']) {
      const result = evaluateWarning(
        input({ plan: { annualTarget: '1000.00', timingTarget }, actual: '0.00' }),
      );
      expect(result).toEqual({ level: 'green', reasons: [] });
      const withActual = evaluateWarning(
        input({ plan: { annualTarget: '1000.00', timingTarget }, actual: '50.00' }),
      );
      expect(withActual).toEqual({ level: 'green', reasons: [] });
    }
  });

  it('does not apply to a finished project, which the reporting list does not ask either', () => {
    for (const phase of ['completed', 'in_use'] as const) {
      const result = evaluateWarning(input({ reported: false, phase }));
      expect(result.reasons.map((r) => r.rule)).toEqual(['investment']);
      expect(isReportDue({ phase, hasPlan: true })).toBe(false);
    }
    const building = evaluateWarning(input({ reported: false, phase: 'construction' }));
    expect(building.reasons.map((r) => r.rule)).toEqual(['investment', 'reporting']);
  });

  it('does not apply without a plan', () => {
    const result = evaluateWarning(input({ plan: null, actual: '0.00' }));
    expect(result).toEqual({ level: 'green', reasons: [] });
  });
});

describe('reporting rule', () => {
  it('makes a planned project that has not reported yellow with 本月未报送', () => {
    const result = evaluateWarning(input({ reported: false }));
    expect(result).toEqual({
      level: 'yellow',
      reasons: [
        {
          rule: 'investment',
          level: 'green',
          zh: '1–6月累计完成1,000.00万元，为时序目标1,000.00万元的100.0%，达到时序目标',
          en: 'Jan–Jun cumulative 1,000.00 10k yuan is 100.0% of the timing target 1,000.00 10k yuan, on target',
        },
        {
          rule: 'reporting',
          level: 'yellow',
          zh: '本月未报送',
          en: 'no report submitted for the month',
        },
      ],
    });
  });

  it('applies even when the timing target is zero (the project still has a plan)', () => {
    const result = evaluateWarning(
      input({
        plan: { annualTarget: '1000.00', timingTarget: '0.00' },
        actual: '0.00',
        reported: false,
      }),
    );
    expect(result).toEqual({
      level: 'yellow',
      reasons: [
        {
          rule: 'reporting',
          level: 'yellow',
          zh: '本月未报送',
          en: 'no report submitted for the month',
        },
      ],
    });
  });

  it('does not apply without a plan', () => {
    const result = evaluateWarning(input({ plan: null, actual: '0.00', reported: false }));
    expect(result).toEqual({ level: 'green', reasons: [] });
  });

  it('does not apply once the project has reported', () => {
    const result = evaluateWarning(input({ reported: true }));
    expect(result.reasons.map((r) => r.rule)).toEqual(['investment']);
  });
});

describe('milestone rule', () => {
  it('is yellow when exactly 30 days late at month end', () => {
    const result = milestone('2024-05-31');
    expect(result.level).toBe('yellow');
    expect(result.reasons).toEqual([
      {
        rule: 'milestone',
        level: 'yellow',
        zh: '节点“开工”计划2024-05-31完成，截至2024-06-30未完成，滞后30天',
        en: 'milestone "开工" planned for 2024-05-31 not done by 2024-06-30, 30 days late',
      },
    ]);
  });

  it('is red when 31 days late', () => {
    const result = milestone('2024-05-30');
    expect(result.level).toBe('red');
    expect(result.reasons).toEqual([
      {
        rule: 'milestone',
        level: 'red',
        zh: '节点“开工”计划2024-05-30完成，截至2024-06-30未完成，滞后31天',
        en: 'milestone "开工" planned for 2024-05-30 not done by 2024-06-30, 31 days late',
      },
    ]);
  });

  it('is yellow when 1 day late', () => {
    const result = milestone('2024-06-29');
    expect(result.level).toBe('yellow');
    expect(result.reasons[0].zh).toContain('滞后1天');
  });

  it('says nothing when planned on the month’s last day (0 days late)', () => {
    expect(milestone('2024-06-30')).toEqual({ level: 'green', reasons: [] });
  });

  it('says nothing when planned after the month', () => {
    expect(milestone('2024-07-01')).toEqual({ level: 'green', reasons: [] });
    expect(milestone('2025-01-01')).toEqual({ level: 'green', reasons: [] });
  });

  it('says nothing without a planned date', () => {
    expect(milestone(null)).toEqual({ level: 'green', reasons: [] });
    expect(milestone(null, '2024-06-10')).toEqual({ level: 'green', reasons: [] });
  });

  it('says nothing when done on or before month end', () => {
    expect(milestone('2024-03-01', '2024-06-30')).toEqual({ level: 'green', reasons: [] });
    expect(milestone('2024-03-01', '2024-06-01')).toEqual({ level: 'green', reasons: [] });
    expect(milestone('2024-03-01', '2024-02-01')).toEqual({ level: 'green', reasons: [] });
  });

  it('is still late at a month when it was done only after that month', () => {
    const yellow = milestone('2024-06-01', '2024-07-01');
    expect(yellow.level).toBe('yellow');
    expect(yellow.reasons[0].zh).toBe(
      '节点“开工”计划2024-06-01完成，截至2024-06-30未完成，滞后29天',
    );
    const red = milestone('2024-04-01', '2024-07-15');
    expect(red.level).toBe('red');
    expect(red.reasons[0].en).toBe(
      'milestone "开工" planned for 2024-04-01 not done by 2024-06-30, 90 days late',
    );
  });

  it('counts to the leap day at the end of February 2024', () => {
    const feb = { period: { year: 2024, month: 2 } };
    expect(milestone('2024-01-30', null, feb).level).toBe('yellow');
    expect(milestone('2024-01-30', null, feb).reasons[0].zh).toContain(
      '截至2024-02-29未完成，滞后30天',
    );
    expect(milestone('2024-01-29', null, feb).level).toBe('red');
    expect(milestone('2024-02-29', null, feb)).toEqual({ level: 'green', reasons: [] });
  });

  it('gives every late milestone its own reason, in order', () => {
    const result = evaluateWarning(
      input({
        milestones: [
          { name: '施工许可', plannedDate: '2024-06-20', actualDate: null },
          { name: '开工', plannedDate: '2024-06-25', actualDate: '2024-06-26' },
          { name: '主体封顶', plannedDate: '2024-01-10', actualDate: null },
        ],
      }),
    );
    expect(result.level).toBe('red');
    expect(result.reasons.map((r) => [r.rule, r.level, r.zh])).toEqual([
      [
        'investment',
        'green',
        '1–6月累计完成1,000.00万元，为时序目标1,000.00万元的100.0%，达到时序目标',
      ],
      ['milestone', 'yellow', '节点“施工许可”计划2024-06-20完成，截至2024-06-30未完成，滞后10天'],
      ['milestone', 'red', '节点“主体封顶”计划2024-01-10完成，截至2024-06-30未完成，滞后172天'],
    ]);
  });

  it('applies without a plan, even when nothing was reported', () => {
    const result = milestone('2024-06-01', null, { reported: false });
    expect(result.level).toBe('yellow');
    expect(result.reasons.map((r) => r.rule)).toEqual(['milestone']);
  });

  it('applies alongside the investment rule, after it', () => {
    const result = milestone('2024-06-01', null, {
      plan: { annualTarget: '2000.00', timingTarget: '1000.00' },
      actual: '1000.00',
    });
    expect(result.level).toBe('yellow');
    expect(result.reasons.map((r) => [r.rule, r.level])).toEqual([
      ['investment', 'green'],
      ['milestone', 'yellow'],
    ]);
  });
});

describe('the level is the worst of the rules', () => {
  it('red milestone beats yellow investment', () => {
    const result = evaluateWarning(
      input({
        actual: '900.00',
        milestones: [{ name: '开工', plannedDate: '2024-01-01', actualDate: null }],
      }),
    );
    expect(result.reasons.map((r) => r.level)).toEqual(['yellow', 'red']);
    expect(result.level).toBe('red');
  });

  it('red investment beats a yellow missing report and a yellow milestone', () => {
    const result = evaluateWarning(
      input({
        actual: '100.00',
        reported: false,
        milestones: [{ name: '开工', plannedDate: '2024-06-15', actualDate: null }],
      }),
    );
    expect(result.reasons.map((r) => [r.rule, r.level])).toEqual([
      ['investment', 'red'],
      ['milestone', 'yellow'],
      ['reporting', 'yellow'],
    ]);
    expect(result.level).toBe('red');
  });

  it('a missing report turns an on-target project yellow', () => {
    expect(evaluateWarning(input({ actual: '1200.00', reported: false })).level).toBe('yellow');
  });
});

describe('custom thresholds', () => {
  const t: WarningThresholds = {
    investmentGreenAtPercent: 90,
    investmentRedBelowPercent: 60,
    milestoneRedAfterDays: 10,
    missingReportLevel: 'red',
    staleReportAfterDays: 45,
    staleProgressMonths: 3,
  };

  it('move the investment bands and name the thresholds in the reasons', () => {
    expect(investment('950.00').result.level).toBe('yellow');
    expect(investment('950.00', '1000.00', t).result.level).toBe('green');
    expect(investment('900.00', '1000.00', t).result.level).toBe('green');

    const yellow = investment('700.00', '1000.00', t);
    expect(investment('700.00').result.level).toBe('red');
    expect(yellow.result.level).toBe('yellow');
    expect(yellow.reason.zh).toBe(
      '1–6月累计完成700.00万元，为时序目标1,000.00万元的70.0%，低于90%',
    );
    expect(yellow.reason.en).toMatch(/is 70\.0% of .*, below 90%$/);

    const red = investment('599.40', '1000.00', t);
    expect(red.result.level).toBe('red');
    expect(red.reason.zh).toBe('1–6月累计完成599.40万元，为时序目标1,000.00万元的59.9%，低于60%');
    expect(investment('600.00', '1000.00', t).result.level).toBe('yellow');
  });

  it('move the milestone red line', () => {
    const run = (planned: string) =>
      evaluateWarning(
        input({ milestones: [{ name: 'x', plannedDate: planned, actualDate: null }] }),
        t,
      );
    expect(run('2024-06-20').level).toBe('yellow'); // 10 days
    expect(run('2024-06-19').level).toBe('red'); // 11 days
    expect(milestone('2024-06-19').level).toBe('yellow'); // 11 days under the defaults
  });

  it('set the level of a missing report', () => {
    const red = evaluateWarning(input({ reported: false }), t);
    expect(red.level).toBe('red');
    expect(red.reasons.at(-1)).toEqual({
      rule: 'reporting',
      level: 'red',
      zh: '本月未报送',
      en: 'no report submitted for the month',
    });

    const green = evaluateWarning(input({ reported: false }), {
      ...t,
      missingReportLevel: 'green',
    });
    expect(green.level).toBe('green');
    expect(green.reasons.map((r) => [r.rule, r.level])).toEqual([
      ['investment', 'green'],
      ['reporting', 'green'],
    ]);
  });
});

describe('staleness rule (issue 14 item 4)', () => {
  /** November 2024, on target, reported; the history is what each test says. */
  function stale(
    history: ApprovedHistory,
    over: Partial<WarningInput> = {},
    t?: WarningThresholds,
  ) {
    const result = evaluateWarning(
      input({
        period: { year: 2024, month: 11 },
        plan: { annualTarget: '2000.00', timingTarget: '1000.00' },
        actual: '1000.00',
        laterTimingTarget: '1200.00',
        history,
        ...over,
      }),
      t,
    );
    return { result, reasons: result.reasons.filter((r) => r.rule === 'staleness') };
  }
  const fresh = { latestApproved: { year: 2024, month: 11 }, progress: null };
  const moving = (from: YearMonth, percent = '40.00') => ({
    latestApproved: { year: 2024, month: 11 },
    progress: { percent, from, to: { year: 2024, month: 11 } },
  });

  it('says 数据陈旧 with the figures when the latest approved report is 61 days old', () => {
    const { result, reasons } = stale({ latestApproved: { year: 2024, month: 9 }, progress: null });
    expect(result.level).toBe('yellow');
    expect(reasons).toEqual([
      {
        rule: 'staleness',
        level: 'yellow',
        zh: '数据陈旧：最近一次审核通过的月报为2024年9月，截至2024-11-30已61天未更新（超过45天）',
        en: 'stale data: the latest approved monthly report is for Sep 2024, not updated for 61 days as of 2024-11-30 (more than 45)',
      },
    ]);
  });

  it('is stale after more than the threshold: 45 days are not, 46 are (as of today in a month not over)', () => {
    const oct = { latestApproved: { year: 2024, month: 10 }, progress: null };
    const period = { year: 2024, month: 12 };
    expect(stale(oct, { period, today: '2024-12-15' }).reasons).toEqual([]);
    const late = stale(oct, { period, today: '2024-12-16' }).reasons;
    expect(late).toHaveLength(1);
    expect(late[0].zh).toContain('截至2024-12-16已46天未更新');
  });

  it('counts the month evaluated itself, and a report of the previous month is fresh', () => {
    expect(stale(fresh).reasons).toEqual([]);
    expect(stale({ latestApproved: { year: 2024, month: 10 }, progress: null }).reasons).toEqual(
      [],
    );
  });

  it('judges a past month at its end, never by today’s clock', () => {
    const { result, reasons } = stale(
      { latestApproved: { year: 2023, month: 5 }, progress: null },
      { period: { year: 2023, month: 6 }, today: '2026-11-29' },
    );
    expect(reasons).toEqual([]);
    expect(result.level).toBe('green');
  });

  it('counts from the start of the year when no report was ever approved', () => {
    const none = { latestApproved: null, progress: null };
    expect(stale(none, { period: { year: 2024, month: 1 } }).reasons).toEqual([]);
    const { reasons } = stale(none, { period: { year: 2024, month: 2 } });
    expect(reasons.map((r) => [r.zh, r.en])).toEqual([
      [
        '数据陈旧：尚无审核通过的月报，自2024年初至2024-02-29已60天（超过45天）',
        'stale data: no approved monthly report yet, 60 days from the start of 2024 to 2024-02-29 (more than 45)',
      ],
    ]);
  });

  it('says 数据陈旧 when progress stood still for 3 months with money planned', () => {
    const { result, reasons } = stale(moving({ year: 2024, month: 8 }));
    expect(result.level).toBe('yellow');
    expect(reasons.map((r) => [r.zh, r.en])).toEqual([
      [
        '数据陈旧：形象进度自2024年8月起停留在40%，已3个月未变化，本年度仍有投资计划',
        'stale data: physical progress has stayed at 40% since Aug 2024, unchanged for 3 months while investment is still planned for the year',
      ],
    ]);
    expect(stale(moving({ year: 2024, month: 9 })).reasons).toEqual([]);
  });

  it('needs two reports with the same figure, a figure below 100% and money still planned', () => {
    const one = { year: 2024, month: 6 };
    const single = {
      latestApproved: { year: 2024, month: 11 },
      progress: { percent: '40.00', from: one, to: one },
    };
    expect(stale(single).reasons).toEqual([]);
    expect(stale(moving(one, '100.00')).reasons).toEqual([]);
    // the annual target reached and nothing scheduled after the month: nothing left to move
    const done = { actual: '2000.00', laterTimingTarget: '1000.00' };
    expect(stale(moving(one), done).reasons).toEqual([]);
    // reached, yet a later month's timing target still climbs: money is still planned
    expect(stale(moving(one), { ...done, laterTimingTarget: '2100.00' }).reasons).toHaveLength(1);
    // not reached, nothing scheduled later
    expect(stale(moving(one), { laterTimingTarget: '0.00' }).reasons).toHaveLength(1);
  });

  it('gives each stale fact its own reason, beside the others, and never lowers a worse level', () => {
    const both = { ...moving({ year: 2024, month: 2 }), latestApproved: { year: 2024, month: 8 } };
    expect(stale(both).reasons).toHaveLength(2);
    const red = stale(both, { actual: '500.00' });
    expect(red.result.level).toBe('red');
    expect(red.result.reasons.map((r) => r.rule)).toEqual(['investment', 'staleness', 'staleness']);
  });

  it('does not judge a project that owes no report: no plan, or finished', () => {
    const old = { latestApproved: { year: 2023, month: 1 }, progress: null };
    expect(stale(old, { plan: null }).result.reasons).toEqual([]);
    expect(stale(old, { phase: 'completed' }).reasons).toEqual([]);
    expect(stale(old, { phase: 'in_use' }).reasons).toEqual([]);
    expect(stale(old, { phase: 'preparation' }).reasons).toHaveLength(1);
  });

  it('follows the office’s thresholds', () => {
    const t = { ...DEFAULT_THRESHOLDS, staleReportAfterDays: 61, staleProgressMonths: 4 };
    const old = { latestApproved: { year: 2024, month: 9 }, progress: null };
    expect(stale(old, {}, t).reasons).toEqual([]);
    expect(stale(old, {}, { ...t, staleReportAfterDays: 60 }).reasons[0].zh).toContain(
      '（超过60天）',
    );
    expect(stale(moving({ year: 2024, month: 8 }), {}, t).reasons).toEqual([]);
    expect(stale(moving({ year: 2024, month: 7 }), {}, t).reasons[0].zh).toContain('已4个月未变化');
  });

  it('says nothing without a history', () => {
    const result = evaluateWarning(input({ period: { year: 2024, month: 11 } }));
    expect(result.reasons.filter((r) => r.rule === 'staleness')).toEqual([]);
  });
});

describe('finalLevel', () => {
  it('keeps the computed level without an override', () => {
    for (const level of LEVELS) {
      expect(finalLevel(level, null)).toBe(level);
      expect(finalLevel(level, undefined)).toBe(level);
    }
  });

  it('lets the override win, better or worse', () => {
    expect(finalLevel('red', 'green')).toBe('green');
    expect(finalLevel('green', 'red')).toBe('red');
    expect(finalLevel('yellow', 'yellow')).toBe('yellow');
    expect(finalLevel('yellow', 'green')).toBe('green');
  });
});

// ---- properties ------------------------------------------------------------------------------

function formatCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

const amount = fc.bigInt({ min: 0n, max: 10n ** 12n }).map(formatCents);
const positiveAmount = fc.bigInt({ min: 1n, max: 10n ** 12n }).map(formatCents);
const DAY0 = Date.UTC(2022, 0, 1);
const isoDate = fc
  .integer({ min: 0, max: 365 * 4 })
  .map((d) => new Date(DAY0 + d * 86_400_000).toISOString().slice(0, 10));

const thresholds: fc.Arbitrary<WarningThresholds> = fc
  .record({
    green: fc.integer({ min: 0, max: 200 }),
    gap: fc.integer({ min: 0, max: 200 }),
    days: fc.integer({ min: 0, max: 120 }),
    missing: fc.constantFrom(...LEVELS),
    staleDays: fc.integer({ min: 1, max: 400 }),
    staleMonths: fc.integer({ min: 1, max: 24 }),
  })
  .map(({ green, gap, days, missing, staleDays, staleMonths }) => ({
    investmentGreenAtPercent: green,
    investmentRedBelowPercent: Math.max(0, green - gap),
    milestoneRedAfterDays: days,
    missingReportLevel: missing,
    staleReportAfterDays: staleDays,
    staleProgressMonths: staleMonths,
  }));

const yearMonth = fc.record({
  year: fc.integer({ min: 2020, max: 2025 }),
  month: fc.integer({ min: 1, max: 12 }),
});

const warningInput: fc.Arbitrary<WarningInput> = fc.record({
  period: fc.record({
    year: fc.integer({ min: 2022, max: 2025 }),
    month: fc.integer({ min: 1, max: 12 }),
  }),
  plan: fc.option(fc.record({ annualTarget: amount, timingTarget: amount }), { nil: null }),
  actual: amount,
  reported: fc.boolean(),
  milestones: fc.array(
    fc.record({
      name: fc.string({ maxLength: 8 }),
      plannedDate: fc.option(isoDate, { nil: null }),
      actualDate: fc.option(isoDate, { nil: null }),
    }),
    { maxLength: 5 },
  ),
  laterTimingTarget: amount,
  history: fc.record({
    latestApproved: fc.option(yearMonth, { nil: null }),
    progress: fc.option(
      fc.record({
        percent: fc.integer({ min: 0, max: 10000 }).map((c) => (c / 100).toFixed(2)),
        from: yearMonth,
        to: yearMonth,
      }),
      { nil: null },
    ),
  }),
});

describe('properties', () => {
  it('the level is never better than any reason’s level, and is the worst of them', () => {
    fc.assert(
      fc.property(warningInput, thresholds, (w, t) => {
        const result = evaluateWarning(w, t);
        for (const reason of result.reasons) {
          expect(RANK[result.level]).toBeGreaterThanOrEqual(RANK[reason.level]);
        }
        const worst = Math.max(0, ...result.reasons.map((r) => RANK[r.level]));
        expect(RANK[result.level]).toBe(worst);
      }),
      { numRuns: 500 },
    );
  });

  it('the same with the default thresholds', () => {
    fc.assert(
      fc.property(warningInput, (w) => {
        const result = evaluateWarning(w);
        for (const reason of result.reasons) {
          expect(RANK[result.level]).toBeGreaterThanOrEqual(RANK[reason.level]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('raising actual never makes the investment level worse', () => {
    fc.assert(
      fc.property(
        positiveAmount,
        amount,
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.option(thresholds, { nil: undefined }),
        (target, actual, raiseCents, t) => {
          const higher = formatCents(BigInt(actual.replace('.', '')) + raiseCents);
          const levelAt = (a: string) =>
            evaluateWarning(
              input({ plan: { annualTarget: target, timingTarget: target }, actual: a }),
              t,
            ).reasons.find((r) => r.rule === 'investment')!.level;
          expect(RANK[levelAt(higher)]).toBeLessThanOrEqual(RANK[levelAt(actual)]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the investment level follows the shown (one-decimal, half-up) rate against the default bands', () => {
    fc.assert(
      fc.property(positiveAmount, amount, (target, actual) => {
        const level = evaluateWarning(
          input({ plan: { annualTarget: target, timingTarget: target }, actual }),
        ).reasons.find((r) => r.rule === 'investment')!.level;
        // The shown rate r (one decimal, half-up) reaches a band b exactly when the exact rate
        // reaches b − 0.05: actual×1000 ≥ target×(10b − 0.5), in integer cents, no division.
        const a = BigInt(actual.replace('.', '')) * 2000n;
        const tg = BigInt(target.replace('.', ''));
        const expected: Level = a >= tg * 1999n ? 'green' : a >= tg * 1599n ? 'yellow' : 'red';
        expect(level).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('milestone lateness, the one definition (issue 15 item 4)', () => {
  const ms = { plannedDate: '2024-10-31', actualDate: null };

  it('is measured at the end of a month that is over', () => {
    const asOf = latenessAsOf({ year: 2024, month: 12 }, '2026-11-28');
    expect(asOf).toBe('2024-12-31');
    expect(milestoneLateness(ms, asOf)).toEqual({ daysLate: 61, level: 'red', asOf });
  });

  it('is measured today in a month not over yet, never at a day to come', () => {
    const asOf = latenessAsOf({ year: 2026, month: 12 }, '2026-11-28');
    expect(asOf).toBe('2026-11-28');
    const result = evaluateWarning(
      input({
        period: { year: 2026, month: 12 },
        today: '2026-11-28',
        milestones: [{ name: '开工', ...ms }],
      }),
    );
    const reason = result.reasons.find((r) => r.rule === 'milestone')!;
    expect(reason.zh).toContain('截至2026-11-28未完成，滞后758天');
    expect(reason.zh).not.toContain('2026-12-31');
  });

  it('uses the office threshold for its level', () => {
    const late = milestoneLateness(ms, '2024-12-31', { milestoneRedAfterDays: 90 });
    expect(late?.level).toBe('yellow');
    expect(milestoneLateness({ ...ms, actualDate: '2024-12-01' }, '2024-12-31')).toBeNull();
    expect(milestoneLateness(ms, '2024-10-31')).toBeNull();
  });
});
