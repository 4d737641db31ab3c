import { formatYearMonth, type YearMonth } from '../domain/periods.ts';
import type { Ctx } from '../server/context.ts';
import type { Db } from '../server/db.ts';
import { listNoticeProposals } from '../server/modules/supervision-notices/notice-proposals.ts';
import {
  answerNotice,
  closeNotice,
  issueNoticeFromWarning,
  sendBackNotice,
} from '../server/modules/supervision-notices/supervision-notices.service.ts';
import { evaluateMonth } from '../server/modules/warnings/warnings.service.ts';
import { DEMO_PROJECTS, UNITS } from './catalog.ts';
import { type DemoShift, NO_SHIFT, shiftDate, shiftPeriod } from './demo-shift.ts';

const at = (iso: string, hour = 10) =>
  new Date(`${iso}T${String(hour).padStart(2, '0')}:00:00+08:00`);

/** What the office asks of a lagging project, varied so a list does not repeat itself. */
const ASKS = [
  '请{unit}针对投资完成滞后问题，于{deadline}前报送赶工计划及资金支付安排，明确每月投资节点和责任人。',
  '请{unit}会同施工总承包单位研究节点滞后原因，于{deadline}前书面反馈整改措施，并同步报送下月形象进度计划。',
  '请{unit}倒排工期、挂图作战，于{deadline}前报送加快推进方案，涉及需区级协调的事项一并列明。',
  '请{unit}于{deadline}前报送专项整改报告，说明滞后原因、已采取措施及追赶时限，并抄送区发展和改革局。',
];
const MEASURES = [
  '已组织施工单位增加两个作业班组，实行两班倒施工；资金支付计划已报区财政局，预计本月底前完成进度款拨付。',
  '已召开专题会分析滞后原因，主要为管线迁改影响；已与供电部门明确停电窗口，迁改完成后立即恢复主体施工。',
  '已调整总进度计划并倒排工期，建立周调度机制，由分管领导每周现场督导，确保下月追回滞后节点。',
  '已完成设计变更报审，施工图审查意见已闭合；已向区住房和建设局申请容缺办理施工许可，预计两周内取得。',
];
const VERIFIED = [
  '经现场核查，赶工措施已落实，本月投资完成情况已回升，予以销号。',
  '经核实，滞后节点已追回，整改措施落实到位，予以销号。',
];
const SENT_BACK = '整改措施未明确完成时限和责任人，请补充后重新反馈。';

/**
 * The supervision loop of the demo office, through the services: two lagging six-key projects
 * supervised from their red warnings and closed within H1 2023 (督办滞后项目2个), and in the
 * latest months one notice answered and awaiting verification and one unanswered past its
 * deadline, so every step of the loop is visible. The projects are those the warnings service
 * finds red, never a list copied here.
 */
export async function loadNoticesDemo(
  db: Db,
  officeId: number,
  unitIds: Map<string, number>,
  shift: DemoShift = NO_SHIFT,
): Promise<{ notices: number }> {
  const day = (iso: string) => shiftDate(shift, iso);
  const periodOf = (ym: YearMonth) => shiftPeriod(shift, ym);
  const coord = (iso: string): Ctx => ({
    actor: { id: 'demo-coord', name: '统筹科 李明', role: 'coordinator', officeId, unitId: null },
    now: at(iso),
  });
  const reporter = (unitName: string, iso: string): Ctx => ({
    actor: {
      id: `demo-${unitIds.get(unitName)}`,
      name: `${unitName}填报员`,
      role: 'reporter',
      officeId,
      unitId: unitIds.get(unitName) ?? null,
    },
    now: at(iso, 15),
  });
  const sixKey = new Set(DEMO_PROJECTS.filter((p) => p.tags.includes('六重')).map((p) => p.code));
  const unitOf = new Map(DEMO_PROJECTS.map((p) => [p.code, p.unit]));
  const taken = new Set<string>();
  let made = 0;

  /** The red projects of a month (six-key first), as the warnings service says. */
  async function red(period: YearMonth, asOf: string) {
    const standings = await evaluateMonth(db, coord(asOf), { period });
    return (
      standings
        // the office does not supervise its own projects
        .filter(
          (s) =>
            s.level === 'red' &&
            !taken.has(s.code) &&
            unitOf.has(s.code) &&
            unitOf.get(s.code) !== UNITS.office,
        )
        .sort((a, b) => Number(sixKey.has(b.code)) - Number(sixKey.has(a.code)))
    );
  }

  async function issue(code: string, period: YearMonth, issuedOn: string, deadline: string) {
    const unit = unitOf.get(code)!;
    const content = ASKS[made % ASKS.length]!.replace('{unit}', unit).replace(
      '{deadline}',
      deadline,
    );
    taken.add(code);
    made++;
    const month = `${period.year}-${String(period.month).padStart(2, '0')}`;
    const n = await issueNoticeFromWarning(db, coord(issuedOn), {
      projectCode: code,
      month,
      content,
      deadline,
    });
    return { n, unit };
  }

  // H1 2023: the lagging six-key projects of the spring, supervised in May and June and closed
  // before the half-year's end.
  const h1: { code: string; period: YearMonth; issuedOn: string }[] = [];
  for (const [period, issuedOn] of [
    [{ year: 2023, month: 4 }, '2023-05-12'],
    [{ year: 2023, month: 5 }, '2023-06-09'],
  ] as const) {
    const first = (await red(period, issuedOn)).find((s) => !h1.some((h) => h.code === s.code));
    if (first) h1.push({ code: first.code, period, issuedOn });
  }
  for (const [i, h] of h1.entries()) {
    const deadline = i === 0 ? '2023-05-26' : '2023-06-20';
    const { n, unit } = await issue(h.code, h.period, h.issuedOn, deadline);
    const answered = i === 0 ? '2023-05-24' : '2023-06-16';
    let current = await answerNotice(db, reporter(unit, answered), n.id, {
      measures: MEASURES[i]!,
      version: n.version,
    });
    if (i === 0) {
      // the first answer was too vague: back to the unit, which answers again
      current = await sendBackNotice(db, coord('2023-05-29'), n.id, {
        reason: SENT_BACK,
        version: current.version,
      });
      current = await answerNotice(db, reporter(unit, '2023-06-02'), n.id, {
        measures: `${MEASURES[2]}责任人：项目经理；完成时限：6月20日。`,
        version: current.version,
      });
    }
    await closeNotice(db, coord(i === 0 ? '2023-06-15' : '2023-06-28'), n.id, {
      note: VERIFIED[i]!,
      version: current.version,
    });
  }

  // The latest months: October's red warning supervised and answered, awaiting verification;
  // November's supervised in December and not answered by its deadline (escalated).
  const october = periodOf({ year: 2024, month: 10 });
  const [oct] = await red(october, day('2024-11-12'));
  if (oct) {
    const { n, unit } = await issue(oct.code, october, day('2024-11-12'), day('2024-11-29'));
    await answerNotice(db, reporter(unit, day('2024-11-26')), n.id, {
      measures: MEASURES[3]!,
      version: n.version,
    });
  }
  // November: a red warning if there is a new one, else the first project proposed for
  // supervision after months of 提请关注 (escalation as data, the same one click)
  const november = periodOf({ year: 2024, month: 11 });
  const [nov] = await red(november, day('2024-12-11'));
  const proposed = nov
    ? null
    : (
        await listNoticeProposals(db, coord(day('2024-12-11')), {
          month: formatYearMonth(november),
        })
      ).items.find(
        (p) => !taken.has(p.code) && unitOf.has(p.code) && unitOf.get(p.code) !== UNITS.office,
      );
  const novCode = nov?.code ?? proposed?.code;
  if (novCode) await issue(novCode, november, day('2024-12-11'), day('2024-12-25'));
  return { notices: made };
}
