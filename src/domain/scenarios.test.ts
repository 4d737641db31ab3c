import { describe, expect, it } from 'vitest';
import {
  changedExpected,
  evaluateScenario,
  type ScenarioProjectInput,
  suggestProjects,
} from './scenarios.ts';

const through = { year: 2024, month: 6 };
const project = (over: Partial<ScenarioProjectInput> & { code: string }): ScenarioProjectInput => ({
  annualTarget: '1000.00',
  actual: '400.00',
  expected: '900.00',
  milestones: [],
  ...over,
});

describe('scenario figures', () => {
  const projects = [
    project({ code: 'A' }), // 90%: yellow
    project({ code: 'B', expected: '1000.00' }), // 100%: green
    project({ code: 'C', expected: '500.00' }), // 50%: red
  ];

  it('without changes the scenario is the baseline', () => {
    const r = evaluateScenario(projects, { projects: [], milestones: [] }, through);
    expect(r.baseline).toEqual({
      annualTarget: '3000.00',
      expected: '2400.00',
      rate: '80.0',
      gap: '600.00',
      counts: { green: 1, yellow: 1, red: 1 },
    });
    expect(r.scenario).toEqual(r.baseline);
    expect(r.changed).toEqual([]);
  });

  it('adds 万元 a month over the months after the month, exactly', () => {
    // 6 months left × 16.67 = 100.02: A reaches 1000.02, green
    const r = evaluateScenario(
      projects,
      { projects: [{ code: 'A', extraPerMonth: '16.67' }], milestones: [] },
      through,
    );
    expect(r.scenario.expected).toBe('2500.02');
    expect(r.scenario.gap).toBe('499.98');
    expect(r.scenario.rate).toBe('83.3');
    expect(r.scenario.counts).toEqual({ green: 2, yellow: 0, red: 1 });
    expect(r.changed).toEqual([
      {
        code: 'A',
        dropped: false,
        baseExpected: '900.00',
        expected: '1000.02',
        baseLevel: 'yellow',
        level: 'green',
      },
    ]);
  });

  it('adds a share of the remaining plan, never a negative one', () => {
    expect(changedExpected(projects[2], { code: 'C', shareOfRemainingPlan: 60 }, 6)).toBe('800.00');
    // already above its target: nothing remains to add
    expect(
      changedExpected(
        { annualTarget: '100', expected: '120' },
        { code: 'X', shareOfRemainingPlan: 50 },
        6,
      ),
    ).toBe('120.00');
    const r = evaluateScenario(
      projects,
      { projects: [{ code: 'C', shareOfRemainingPlan: 60 }], milestones: [] },
      through,
    );
    // C at 80%: yellow (red is below 80)
    expect(r.scenario.counts).toEqual({ green: 1, yellow: 2, red: 0 });
    expect(r.scenario.expected).toBe('2700.00');
  });

  it('a dropped project leaves the target, the figure and the counts', () => {
    const r = evaluateScenario(
      projects,
      { projects: [{ code: 'C', dropped: true }], milestones: [] },
      through,
    );
    expect(r.scenario).toEqual({
      annualTarget: '2000.00',
      expected: '1900.00',
      rate: '95.0',
      gap: '100.00',
      counts: { green: 1, yellow: 1, red: 0 },
    });
    expect(r.changed[0]).toMatchObject({ code: 'C', dropped: true, expected: null });
  });

  it('moving a late milestone re-evaluates the project with the moved date', () => {
    const late = project({
      code: 'D',
      expected: '1000.00',
      milestones: [{ id: 7, name: '主体封顶', plannedDate: '2024-03-01', actualDate: null }],
    });
    const base = evaluateScenario([late], { projects: [], milestones: [] }, through);
    // more than 30 days late at 2024-06-30
    expect(base.baseline.counts).toEqual({ green: 0, yellow: 0, red: 1 });
    const moved = evaluateScenario(
      [late],
      { projects: [], milestones: [{ milestoneId: 7, plannedDate: '2024-06-20' }] },
      through,
    );
    // 10 days late: yellow
    expect(moved.scenario.counts).toEqual({ green: 0, yellow: 1, red: 0 });
    const later = evaluateScenario(
      [late],
      { projects: [], milestones: [{ milestoneId: 7, plannedDate: '2024-09-30' }] },
      through,
    );
    expect(later.scenario.counts).toEqual({ green: 1, yellow: 0, red: 0 });
    expect(later.changed[0]).toMatchObject({ baseLevel: 'red', level: 'green' });
  });

  it('keeps the month’s reporting and staleness reasons', () => {
    const p = project({
      code: 'E',
      expected: '1000.00',
      otherReasons: [{ rule: 'reporting', level: 'yellow', zh: '本月未报送', en: 'no report' }],
    });
    const r = evaluateScenario(
      [p],
      { projects: [{ code: 'E', extraPerMonth: '100' }], milestones: [] },
      through,
    );
    expect(r.scenario.counts.yellow).toBe(1);
  });

  it('a project without a forecast leaves the totals unknown', () => {
    const r = evaluateScenario(
      [project({ code: 'A', expected: null })],
      { projects: [], milestones: [] },
      through,
    );
    expect(r.baseline.expected).toBeNull();
    expect(r.baseline.rate).toBeNull();
  });
});

describe('suggestions', () => {
  it('ranks by what each could close: min(remaining plan, pace × months left × ½)', () => {
    const cum = (...v: number[]) => v.map((x) => x.toFixed(2));
    const list = suggestProjects(
      [
        // remaining 12000, pace (4000 − 1000)/3 = 1000, ×6×0.5 = 3000
        project({
          code: 'A',
          annualTarget: '20000',
          expected: '8000',
          actualCumulative: cum(100, 500, 1000, 2000, 3000, 4000),
        }),
        // remaining 100 caps it
        project({ code: 'B', expected: '900', actualCumulative: cum(0, 0, 0, 300, 600, 900) }),
        // no remaining plan
        project({ code: 'C', expected: '1200', actualCumulative: cum(0, 0, 0, 300, 600, 900) }),
        // no recent pace
        project({ code: 'D', expected: '100', actualCumulative: cum(50, 50, 50, 50, 50, 50) }),
      ],
      6,
    );
    expect(list.map((s) => [s.code, s.closable])).toEqual([
      ['A', '3000.00'],
      ['B', '100.00'],
    ]);
    expect(list[0].zh).toBe(
      '剩余计划1.20亿元，近3个月月均完成1,000.00万元，按此节奏加快一半可补3,000.00万元',
    );
    expect(list[0].en).toContain('half as fast again would add 3,000.00 10k yuan');
  });

  it('has nothing to suggest in December', () => {
    expect(suggestProjects([project({ code: 'A', actualCumulative: ['1'] })], 12)).toEqual([]);
  });
});
