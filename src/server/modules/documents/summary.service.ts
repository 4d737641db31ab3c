import { Decimal } from 'decimal.js';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { ActivityKind } from '../../../domain/activities.ts';
import { MEETING_KIND_ZH, MEETING_KINDS } from '../../../domain/meetings.ts';
import { percent, subtractWan, wanToYi } from '../../../domain/money.ts';
import { isoDateOf, isValidIsoDate, type YearMonth } from '../../../domain/periods.ts';
import {
  PROBLEM_CATEGORIES,
  PROBLEM_CATEGORY_ZH,
  type ProblemCategory,
} from '../../../domain/problem-workflow.ts';
import { LEVEL_ZH } from '../../../domain/warning-rules.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { can, projectScope } from '../../policy.ts';
import {
  type DispatchResult,
  dispatchFigures,
  type Figures,
} from '../dispatch/dispatch.service.ts';
import { milestones } from '../milestones/milestones.table.ts';
import { officeName } from '../offices/offices.service.ts';
import { problems } from '../problems/problems.table.ts';
import { projects } from '../projects/projects.table.ts';
import { monthlyReports } from '../reports/reports.table.ts';
import { periodStats, type Stats } from '../stats/stats.service.ts';
import { workPlans } from '../work-plans/work-plans.table.ts';
import {
  paragraph,
  paragraphOf,
  pctText,
  type SummaryFigure,
  type SummaryModel,
  type SummaryParagraph,
  type SummarySection,
  yiText,
} from './summary.model.ts';

export type { SummaryModel } from './summary.model.ts';

/** The tag of the "six-key" major projects (六重) and of the city-invested ones (市投市建). */
export const SIX_KEY_TAG = '六重';
export const CITY_TAG = '市投市建';
/**
 * The city works bureau's figures for the city-invested projects come a month late, so a summary
 * quotes them through the month before the period's last (the seed: "12个市投市建项目1-5月固投
 * 完成额16.2亿" in the half-year summary).
 */
export const CITY_LAG_MONTHS = 1;
/** How many projects the progress and plan lists name at most. */
const LIST_LIMIT = 12;

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

/** A summary is an office-wide document: the office and its leaders read it, reporters do not. */
export function assertSummaryRead(ctx: Ctx) {
  if (!can(ctx.actor, 'document.read')) throw forbidden();
}

export type SummaryPeriod = {
  from: string;
  to: string;
  year: number;
  fromMonth: number;
  toMonth: number;
  /** 上半年 / 下半年 / 2023年 / 1—5月 */
  label: string;
  /** the period after: 下半年 / 2024年 / 下一阶段 */
  nextLabel: string;
  nextFrom: string;
  nextTo: string;
  /** "1—6月" (year to date: investment figures always count from January) */
  ytdLabel: string;
  title: (office: string) => string;
};

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const addMonths = (iso: string, n: number) => {
  const [y, m] = iso.split('-').map(Number) as [number, number];
  const t = y * 12 + (m - 1) + n;
  return { year: Math.floor(t / 12), month: (t % 12) + 1 };
};
const dateZh = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

/** Names a period the way a summary does, and the period its plan part looks at. */
export function summaryPeriod(from: string, to: string): SummaryPeriod {
  const invalid = (zh: string, en: string, field: string) =>
    new AppError('summary.invalid_period', zh, { field, messageEn: en });
  if (!isValidIsoDate(from)) throw invalid('开始日期无效', 'from is not a date', 'from');
  if (!isValidIsoDate(to)) throw invalid('结束日期无效', 'to is not a date', 'to');
  if (from > to) throw invalid('开始日期不能晚于结束日期', 'from must not be after to', 'to');
  const year = Number(from.slice(0, 4));
  if (Number(to.slice(0, 4)) !== year)
    throw invalid('总结期间须在同一年度内', 'the period must lie within one year', 'to');
  const fromMonth = Number(from.slice(5, 7));
  const toMonth = Number(to.slice(5, 7));
  const wholeMonths = from.endsWith('-01') && Number(to.slice(8)) === lastDay(year, toMonth);
  const is = (f: string, t: string) => from === `${year}-${f}` && to === `${year}-${t}`;
  const months = toMonth - fromMonth + 1;
  const nextStart = addMonths(to, 1);
  const nextFrom = `${nextStart.year}-${pad(nextStart.month)}-01`;
  const span = is('01-01', '12-31') ? 12 : wholeMonths ? months : 1;
  const nextEnd = addMonths(nextFrom, span - 1);
  const nextTo = `${nextEnd.year}-${pad(nextEnd.month)}-${pad(lastDay(nextEnd.year, nextEnd.month))}`;
  const ytdLabel = toMonth === 1 ? '1月' : `1—${toMonth}月`;
  const common = { from, to, year, fromMonth, toMonth, nextFrom, nextTo, ytdLabel };
  if (is('01-01', '06-30'))
    return {
      ...common,
      label: '上半年',
      nextLabel: '下半年',
      title: (o) => `${o}${year}年上半年工作总结和下半年工作计划`,
    };
  if (is('07-01', '12-31'))
    return {
      ...common,
      label: '下半年',
      nextLabel: `${year + 1}年`,
      title: (o) => `${o}${year}年下半年工作总结和${year + 1}年工作计划`,
    };
  if (is('01-01', '12-31'))
    return {
      ...common,
      label: `${year}年`,
      nextLabel: `${year + 1}年`,
      title: (o) => `${o}${year}年度工作总结和${year + 1}年工作计划`,
    };
  const label = wholeMonths
    ? fromMonth === toMonth
      ? `${fromMonth}月`
      : `${fromMonth}—${toMonth}月`
    : `${dateZh(from)}至${dateZh(to)}`;
  return {
    ...common,
    label,
    nextLabel: '下一阶段',
    title: (o) => `${o}${year}年${label}工作总结和下一阶段工作计划`,
  };
}

// ---------------------------------------------------------------------------------------------

const link = (path: string, params: Record<string, string | number | undefined | null>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
};
const ym = (p: YearMonth) => `${p.year}-${pad(p.month)}`;

/** The investment verdict against the timing target, as the seed words it. */
function verdict(f: Figures): string {
  if (f.rateVsTiming === null) return '';
  const r = new Decimal(f.rateVsTiming);
  if (r.greaterThan(100)) return '超额完成固定资产投资时序任务';
  if (r.equals(100)) return '完成固定资产投资时序任务';
  return `较时序任务滞后${yiText(subtractWan(f.timingTarget, f.actual))}`;
}

/**
 * The summary of a period, every figure read from the services the dashboard and `tiaodu stats`
 * use (dispatchFigures, periodStats), so the document says what the pages show.
 */
export async function buildSummary(
  db: Db,
  ctx: Ctx,
  q: { from: string; to: string },
): Promise<SummaryModel> {
  assertSummaryRead(ctx);
  const p = summaryPeriod(q.from, q.to);
  const through: YearMonth = { year: p.year, month: p.toMonth };
  const cityThrough: YearMonth | null =
    p.toMonth - CITY_LAG_MONTHS >= 1 ? { year: p.year, month: p.toMonth - CITY_LAG_MONTHS } : null;
  const officeId = ctx.actor.officeId;
  // one after the other: the db may be a request's single connection (audit scope)
  const office = await officeName(db, officeId);
  const d = await dispatchFigures(db, ctx, { period: through });
  const stats = await periodStats(db, ctx, { from: p.from, to: p.to });
  const city = cityThrough
    ? await dispatchFigures(db, ctx, { period: cityThrough, filter: { tag: CITY_TAG } })
    : null;
  const figures: Record<string, SummaryFigure> = {};
  const fig = (key: string, value: string | number, text: string, href: string | null) => {
    const f: SummaryFigure = { key, value: String(value), text, link: href };
    figures[key] = f;
    return f;
  };
  const count = (key: string, n: number, measure: string, href: string | null) =>
    fig(key, n, `${n}${measure}`, href);
  const money = (key: string, wan: string, href: string | null) => fig(key, wan, yiText(wan), href);
  const pct = (key: string, value: string | null, href: string | null) =>
    value === null ? '—' : fig(key, value, pctText(value), href);

  const dash = (filter: Record<string, string | undefined> = {}) =>
    link('/dashboard', { through: ym(through), ...filter });
  const warn = (level: string, filter: Record<string, string | undefined> = {}) =>
    link('/warnings', { month: ym(through), level, ...filter });
  const period = { from: p.from, to: p.to };

  const sections: SummarySection[] = [];
  sections.push({
    id: 'preface',
    level: 1,
    heading: '',
    paragraphs: [
      paragraph(
        'p1',
        [
          '',
          '以来，',
          '紧密围绕年度重点项目建设目标任务，坚持每月收集进展、及时研判预警，以会议协调、通报督办推动问题解决，扎实推进各片区开发建设和重大项目建设。现将',
          '工作开展情况和',
          '工作计划报告如下。',
        ] as unknown as TemplateStringsArray,
        `${p.year}年`,
        office || '我署',
        p.label,
        p.nextLabel,
      ),
    ],
  });
  sections.push({ id: 'part1', level: 1, heading: `一、${p.label}工作开展情况`, paragraphs: [] });

  // (一) investment
  sections.push(investmentSection(p, d, { fig, count, money, pct, dash }));

  // (二) warnings and supervision
  {
    const paras: SummaryParagraph[] = [];
    const all = d.warnings;
    paras.push(
      paragraph(
        'all',
        [
          '坚持每月研判预警。截至',
          '，纳入调度的',
          '中，督办滞后项目',
          '、提请关注项目',
          '、按期推进项目',
          '。',
        ] as unknown as TemplateStringsArray,
        `${p.year}年${p.toMonth}月`,
        count('warnings.all.projects', d.projects, '个重点项目', link('/ledger', {})),
        count('warnings.all.red', all.red, '个', warn('red')),
        count('warnings.all.yellow', all.yellow, '个', warn('yellow')),
        count('warnings.all.green', all.green, '个', warn('green')),
      ),
    );
    const six = d.byTag.find((t) => t.tag === SIX_KEY_TAG);
    if (six) {
      const tag = { tag: SIX_KEY_TAG };
      paras.push(
        paragraph(
          'six-key',
          [
            '紧盯“六重”重大工程项目',
            '，压实台账管理，密切跟进项目进展情况和存在问题，',
            '通过会议协调、通报预警等方式，督办滞后项目',
            '、提请关注项目',
            '、推动按期建设项目',
            '。',
          ] as unknown as TemplateStringsArray,
          count('warnings.sixKey.projects', six.projects, '个', dash(tag)),
          p.label,
          count('warnings.sixKey.red', six.warnings.red, '个', warn('red', tag)),
          count('warnings.sixKey.yellow', six.warnings.yellow, '个', warn('yellow', tag)),
          count('warnings.sixKey.green', six.warnings.green, '个', warn('green', tag)),
        ),
      );
    }
    const n = stats.notices;
    paras.push(
      n.issued + n.closed > 0
        ? paragraph(
            'notices',
            [
              '',
              '签发督办单',
              '，督办销号',
              '，督办事项闭环落实。',
            ] as unknown as TemplateStringsArray,
            p.label,
            count('notices.issued', n.issued, '份', link('/supervision-notices', {})),
            count(
              'notices.closed',
              n.closed,
              '份',
              link('/supervision-notices', { status: 'closed' }),
            ),
          )
        : paragraph('notices', ['', '未签发督办单。'] as unknown as TemplateStringsArray, p.label),
    );
    sections.push({ id: 'warnings', level: 2, heading: '（二）预警督办情况', paragraphs: paras });
  }

  // (三) coordination
  sections.push(coordinationSection(p, stats, city, cityThrough, { fig, count, money, pct }));

  // (四) work plans
  {
    const ids = new Map(
      (
        await db
          .select({ id: workPlans.id, name: workPlans.name })
          .from(workPlans)
          .where(eq(workPlans.officeId, officeId))
      ).map((r) => [r.name, r.id]),
    );
    const paras = stats.workPlans.map((w, i) => {
      const href = link('/work-plans', { plan: ids.get(w.name) });
      const k = `workPlans.${w.name}`;
      return paragraphOf(`plan-${i + 1}`, [
        `${i + 1}.${w.area ? `${w.area}：` : ''}印发《${w.name}》，围绕`,
        count(`${k}.themes`, w.themes, '个方面', href),
        '，细化任务',
        count(`${k}.items`, w.items, '项', href),
        '，按照清单化、数据化、责任化原则铺排任务分工，截至期末已完成',
        count(`${k}.done`, w.done, '项', href),
        w.items > 0
          ? `（完成率${pctText(percent(String(w.done), String(w.items)) ?? '0')}）。`
          : '。',
      ]);
    });
    if (paras.length === 0)
      paras.push(paragraph('none', ['本期无片区工作方案。'] as unknown as TemplateStringsArray));
    sections.push({
      id: 'work-plans',
      level: 2,
      heading: '（四）片区工作方案推进情况',
      paragraphs: paras,
    });
  }

  // (五) key projects
  sections.push(await keyProjectsSection(db, ctx, p, through));

  // (六) activities
  {
    const a = stats.activities.byKind;
    const act = (k: ActivityKind, measure: string) =>
      count(`activities.${k}`, a[k], measure, link('/activities', { kind: k, ...period }));
    const parts: (SummaryFigure | string)[] = [];
    const add = (k: ActivityKind, lead: string, measure: string, tail = '') => {
      if (a[k] === 0) return;
      if (parts.length > 0) parts.push('；');
      parts.push(lead, act(k, measure), tail);
    };
    add('study', '扎实开展第一议题、理论学习中心组等专题学习', '次');
    add('forum', '举办、协办论坛', '次');
    add('lecture', '举办系列讲座', '次');
    add('consultation', '为重点项目提供技术咨询', '次');
    add('delegation', '依托展示中心和展厅接待调研考察团', '批次');
    const paras =
      parts.length > 0
        ? [paragraphOf('all', [`${p.label}`, ...parts, '。'])]
        : [paragraph('all', ['', '未登记活动。'] as unknown as TemplateStringsArray, p.label)];
    sections.push({
      id: 'activities',
      level: 2,
      heading: '（六）重要活动开展情况',
      paragraphs: paras,
    });
  }

  // (七) rectifications
  {
    const r = stats.rectifications;
    const href = link('/rectifications', {});
    const paras =
      r.total > 0
        ? [
            paragraph(
              'all',
              [
                '',
                '在办整改任务',
                '，已整改销号',
                '，销号率',
                '，确保整改任务事事有回音、件件有落实。',
              ] as unknown as TemplateStringsArray,
              p.label,
              count('rectifications.total', r.total, '项', href),
              count(
                'rectifications.closed',
                r.closed,
                '项',
                link('/rectifications', { status: 'closed' }),
              ),
              fig(
                'rectifications.rate',
                percent(String(r.closed), String(r.total)) ?? '0',
                pctText(percent(String(r.closed), String(r.total)) ?? '0'),
                href,
              ),
            ),
          ]
        : [paragraph('all', ['', '无在办整改任务。'] as unknown as TemplateStringsArray, p.label)];
    sections.push({
      id: 'rectifications',
      level: 2,
      heading: '（七）整改落实情况',
      paragraphs: paras,
    });
  }

  // 二、存在的问题
  sections.push(await problemsSection(db, ctx, p, d, stats, { fig, count, money, pct, warn }));
  // 三、下半年工作计划
  sections.push(await planSection(db, ctx, p, d, through, { fig, count, money, pct, dash }));

  return {
    office,
    from: p.from,
    to: p.to,
    periodLabel: p.label,
    title: p.title(office),
    sections,
    figures,
    generatedAt: ctx.now.toISOString(),
  };
}

const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** Puts 一是、二是 … before the paragraphs that `counts`, in order. */
function numbered(
  paras: SummaryParagraph[],
  counts: (p: SummaryParagraph) => boolean,
): SummaryParagraph[] {
  let n = 0;
  return paras.map((q) => {
    if (!counts(q) || n >= ORDINALS.length) return q;
    const lead = `${ORDINALS[n++]}是`;
    return { ...q, template: lead + q.template, text: lead + q.text };
  });
}

type Helpers = {
  fig: (key: string, value: string | number, text: string, href: string | null) => SummaryFigure;
  count: (key: string, n: number, measure: string, href: string | null) => SummaryFigure;
  money: (key: string, wan: string, href: string | null) => SummaryFigure;
  pct: (key: string, value: string | null, href: string | null) => SummaryFigure | string;
};
const T = (parts: string[]) => parts as unknown as TemplateStringsArray;

function investmentSection(
  p: SummaryPeriod,
  d: DispatchResult,
  h: Helpers & { dash: (f?: Record<string, string | undefined>) => string },
): SummarySection {
  const { count, money, pct, dash } = h;
  const paras: SummaryParagraph[] = [];
  paras.push(
    paragraph(
      'overall',
      T([
        '常态化运行片区统筹工作机制，每月收集进展、及时研判预警。全署纳入调度的重点项目',
        '，其中',
        '下达',
        '年度固定资产投资计划，年度固投任务',
        '，',
        '时序任务',
        '。',
        '累计完成投资',
        '，完成时序任务的',
        '、年度任务的',
        d.rateVsTiming === null ? '。' : '，',
        '。',
      ]),
      count('invest.projects', d.projects, '个', link('/ledger', {})),
      count('invest.plannedProjects', d.plannedProjects, '个项目', dash()),
      `${d.year}`,
      money('invest.annualTarget', d.annualTarget, dash()),
      p.ytdLabel,
      money('invest.timingTarget', d.timingTarget, dash()),
      p.ytdLabel,
      money('invest.actual', d.actual, dash()),
      pct('invest.rateVsTiming', d.rateVsTiming, dash()),
      pct('invest.rateVsAnnual', d.rateVsAnnual, dash()),
      verdict(d) || '暂无时序任务',
    ),
  );
  const areas = [...d.byArea].sort(
    (a, b) => new Decimal(b.annualTarget).comparedTo(a.annualTarget) || b.projects - a.projects,
  );
  areas.forEach((a, i) => {
    const k = `invest.area.${a.area}`;
    const href = dash({ area: a.area });
    paras.push(
      paragraphOf(`area-${a.area}`, [
        `${i + 1}.${a.area}。梳理重点项目`,
        count(`${k}.projects`, a.projects, '个', link('/ledger', { area: a.area })),
        '，围绕年度',
        money(`${k}.annualTarget`, a.annualTarget, href),
        `的固投任务，多措并举，加强督办，${p.label === '上半年' ? '上半年' : p.ytdLabel}累计完成投资`,
        money(`${k}.actual`, a.actual, href),
        ...(a.rateVsTiming === null
          ? ['。']
          : [
              '，',
              verdict(a),
              '（完成时序任务的',
              pct(`${k}.rateVsTiming`, a.rateVsTiming, href),
              '）。',
            ]),
      ]),
    );
  });
  // 亿元 with two decimals, as the dashboard shows them; the exact 万元 are behind the links
  const row = (name: string, f: Figures) => [
    name,
    String(f.projects),
    wanToYi(f.annualTarget),
    wanToYi(f.timingTarget),
    wanToYi(f.actual),
    f.rateVsTiming ?? '—',
  ];
  return {
    id: 'investment',
    level: 2,
    heading: '（一）重点项目投资完成情况',
    paragraphs: paras,
    table: {
      caption: `表1 各片区${d.year}年${p.ytdLabel}固定资产投资完成情况`,
      unitLine: '单位：亿元',
      columns: [
        { header: '片区', align: 'left', widthPct: 30 },
        { header: '项目数', align: 'right', widthPct: 11 },
        { header: '年度计划', align: 'right', widthPct: 15 },
        { header: '时序目标', align: 'right', widthPct: 15 },
        { header: '累计完成', align: 'right', widthPct: 15 },
        { header: '完成率(%)', align: 'right', widthPct: 14 },
      ],
      rows: [...areas.map((a) => row(a.area, a)), row('合计', d)],
      boldRows: [areas.length],
    },
    chart: {
      caption: `图1 ${d.year}年累计完成投资与时序目标（亿元）`,
      year: d.year,
      through: p.toMonth,
      series: d.series,
    },
  };
}

function coordinationSection(
  p: SummaryPeriod,
  s: Stats,
  city: DispatchResult | null,
  cityThrough: YearMonth | null,
  h: Helpers,
): SummarySection {
  const { count, money, fig } = h;
  const period = { from: p.from, to: p.to };
  const meetingsLink = (kind?: string) => link('/meetings', { kind, ...period });
  const statsLink = link('/stats', period);
  const paras: SummaryParagraph[] = [];
  const tf = s.meetings.byKind.task_force;
  if (tf > 0)
    paras.push(
      paragraph(
        'task-force',
        T([
          '依托建设推进组协调机制，全方位统筹项目建设，',
          '组织召开专责小组会议',
          '，协调解决问题',
          '，形成交办事项',
          '，为各项目高质高效建设实施提供了有力的机制保障。',
        ]),
        p.label,
        count('meetings.taskForce', tf, '次', meetingsLink('task_force')),
        count(
          'problems.resolved.taskForce',
          s.problems.resolvedByMeetingKind.task_force,
          '个',
          statsLink,
        ),
        count(
          'actionItems.created.taskForce',
          s.actionItems.createdByMeetingKind.task_force,
          '项',
          link('/action-items', period),
        ),
      ),
    );
  const others: (SummaryFigure | string)[] = [];
  for (const k of MEETING_KINDS) {
    if (k === 'task_force' || s.meetings.byKind[k] === 0) continue;
    if (others.length > 0) others.push('、');
    others.push(
      `${MEETING_KIND_ZH[k]}`,
      count(`meetings.${k}`, s.meetings.byKind[k], '次', meetingsLink(k)),
    );
  }
  paras.push(
    paragraphOf('all', [
      `${p.label}共召开各类会议`,
      count('meetings.total', s.meetings.total, '次', meetingsLink()),
      ...(others.length > 0 ? ['，其中', ...others] : []),
      '；新提出问题',
      count('problems.raised', s.problems.raised, '个', statsLink),
      '，协调解决问题',
      count('problems.resolved', s.problems.resolved, '个', statsLink),
      '；形成交办事项',
      count('actionItems.created', s.actionItems.created, '项', link('/action-items', period)),
      '，销号',
      count(
        'actionItems.closed',
        s.actionItems.closed,
        '项',
        link('/action-items', { status: 'closed' }),
      ),
      ...(s.actionItems.overdue > 0
        ? [
            '，截至期末逾期',
            count(
              'actionItems.overdue',
              s.actionItems.overdue,
              '项',
              link('/action-items', { overdue: 'true' }),
            ),
          ]
        : []),
      '。',
    ]),
  );
  if (city && cityThrough && city.projects > 0) {
    const href = link('/dashboard', { through: ym(cityThrough), tag: CITY_TAG });
    const above = city.aboveInitialPlan;
    const cmp =
      above === null
        ? []
        : new Decimal(above).isNegative()
          ? ['，较年初计划下降', fig('city.aboveInitialPlan', above, pctText(above.slice(1)), href)]
          : ['，较年初计划提升', fig('city.aboveInitialPlan', above, pctText(above), href)];
    paras.push(
      paragraphOf('city', [
        '高效运行署区联动机制，推动市投市建项目提速建设，',
        count(
          'city.projects',
          city.projects,
          `个${CITY_TAG}项目`,
          link('/ledger', { tag: CITY_TAG }),
        ),
        cityThrough.month === 1 ? '1月' : `1-${cityThrough.month}月`,
        '固投完成额',
        money('city.actual', city.actual, href),
        ...cmp,
        '。',
      ]),
    );
  }
  return { id: 'coordination', level: 2, heading: '（三）统筹协调情况', paragraphs: paras };
}

async function keyProjectsSection(
  db: Db,
  ctx: Ctx,
  p: SummaryPeriod,
  through: YearMonth,
): Promise<SummarySection> {
  const key = sql`(${SIX_KEY_TAG} = any(${projects.tags}) or ${CITY_TAG} = any(${projects.tags}))`;
  const inScope = and(projectScope(ctx.actor), isNull(projects.archivedAt), key);
  const reached = await db
    .select({
      projectId: projects.id,
      code: projects.code,
      name: projects.name,
      milestone: milestones.name,
      actualDate: milestones.actualDate,
    })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .where(and(inScope, sql`${milestones.actualDate} between ${p.from} and ${p.to}`))
    .orderBy(asc(milestones.actualDate), asc(projects.code));
  const latest = await db
    .selectDistinctOn([monthlyReports.projectId], {
      projectId: monthlyReports.projectId,
      code: projects.code,
      name: projects.name,
      progressText: monthlyReports.progressText,
      progressPercent: monthlyReports.progressPercent,
      month: monthlyReports.month,
    })
    .from(monthlyReports)
    .innerJoin(projects, eq(projects.id, monthlyReports.projectId))
    .where(
      and(
        inScope,
        eq(monthlyReports.status, 'approved'),
        eq(monthlyReports.year, through.year),
        sql`${monthlyReports.month} between ${p.fromMonth} and ${through.month}`,
        sql`coalesce(${monthlyReports.progressText}, '') <> ''`,
      ),
    )
    .orderBy(monthlyReports.projectId, desc(monthlyReports.month));
  const byProject = new Map<
    number,
    { code: string; name: string; milestones: string[]; progress: string | null }
  >();
  for (const r of reached) {
    const e = byProject.get(r.projectId) ?? {
      code: r.code,
      name: r.name,
      milestones: [],
      progress: null,
    };
    const [, m, dd] = (r.actualDate ?? '').split('-').map(Number);
    e.milestones.push(`${m}月${dd}日完成${r.milestone}`);
    byProject.set(r.projectId, e);
  }
  for (const r of latest) {
    const e = byProject.get(r.projectId) ?? {
      code: r.code,
      name: r.name,
      milestones: [],
      progress: null,
    };
    // the month's own figure ("本月完成投资…") says nothing in a half-year summary
    e.progress =
      r
        .progressText!.replace(/[，,]?本月完成投资[^，,。；;]*/g, '')
        .trim()
        .replace(/[。；;，,]+$/, '') || null;
    byProject.set(r.projectId, e);
  }
  const list = [...byProject.values()]
    .sort((a, b) => b.milestones.length - a.milestones.length || a.code.localeCompare(b.code))
    .slice(0, LIST_LIMIT);
  const paras = list.map((e, i) => {
    const said = [e.progress, e.milestones.join('，')].filter(Boolean).join('；');
    return paragraphOf(`project-${e.code}`, [
      `${i + 1}.`,
      {
        key: `projects.${e.code}`,
        value: e.code,
        text: e.name,
        link: `/projects/${encodeURIComponent(e.code)}`,
      },
      `：${said}。`,
    ]);
  });
  if (paras.length === 0) paras.push(paragraph('none', T(['本期重点项目无新的进展记录。'])));
  return {
    id: 'key-projects',
    level: 2,
    heading: '（五）重大项目建设进展',
    paragraphs: paras,
  };
}

async function problemsSection(
  db: Db,
  ctx: Ctx,
  p: SummaryPeriod,
  d: DispatchResult,
  s: Stats,
  h: Helpers & { warn: (level: string, f?: Record<string, string | undefined>) => string },
): Promise<SummarySection> {
  const { count, money } = h;
  const open = await db
    .select({
      category: problems.category,
      description: problems.description,
      raisedOn: problems.raisedOn,
      project: projects.name,
    })
    .from(problems)
    .innerJoin(projects, eq(projects.id, problems.projectId))
    .where(
      and(
        eq(problems.officeId, ctx.actor.officeId),
        projectScope(ctx.actor),
        sql`${problems.raisedOn} <= ${p.to}`,
        sql`(${problems.resolvedOn} is null or ${problems.resolvedOn} > ${p.to})`,
      ),
    )
    .orderBy(asc(problems.raisedOn));
  const paras: SummaryParagraph[] = [];
  const byCat = new Map<ProblemCategory, number>();
  for (const o of open) byCat.set(o.category, (byCat.get(o.category) ?? 0) + 1);
  const cats = PROBLEM_CATEGORIES.filter((c) => byCat.has(c))
    .map((c) => `${PROBLEM_CATEGORY_ZH[c]}${byCat.get(c)}个`)
    .join('、');
  paras.push(
    open.length > 0
      ? paragraphOf('open', [
          `部分项目推进中的问题尚未解决。截至${dateZh(p.to)}，尚有`,
          count('problems.open', open.length, '个', link('/stats', { from: p.from, to: p.to })),
          `问题待协调解决，主要涉及${cats}。`,
          open
            .slice(0, 5)
            .map((o) => {
              const said = o.description.startsWith(`${o.project}：`)
                ? o.description.slice(o.project.length + 1)
                : o.description;
              return `${o.project}：${said.replace(/[。；]+$/, '')}`;
            })
            .join('；'),
          open.length > 0 ? '。' : '',
        ])
      : paragraph('open', T(['', '提出的问题均已协调解决。']), p.label),
  );
  const red = d.flagged.filter((f) => f.level === 'red');
  const yellow = d.flagged.filter((f) => f.level === 'yellow');
  const firstReason = (f: DispatchResult['flagged'][number]) =>
    (f.overrideReason && f.level !== f.computedLevel ? f.overrideReason : f.reasons[0]?.zh) ?? '';
  const named = (fs: DispatchResult['flagged']) =>
    fs
      .slice(0, 5)
      .map((f) => `${f.name}（${firstReason(f).replace(/[。；]+$/, '')}）`)
      .join('；');
  if (red.length + yellow.length > 0) {
    const parts: (SummaryFigure | string)[] = ['部分项目进度滞后。'];
    if (red.length > 0)
      parts.push(
        `${LEVEL_ZH.red}项目`,
        count('problems.red', red.length, '个', h.warn('red')),
        `：${named(red)}${red.length > 5 ? '等' : ''}。`,
      );
    if (yellow.length > 0)
      parts.push(
        `${LEVEL_ZH.yellow}项目`,
        count('problems.yellow', yellow.length, '个', h.warn('yellow')),
        `：${named(yellow)}${yellow.length > 5 ? '等' : ''}。`,
      );
    paras.push(paragraphOf('lagging', parts));
  }
  const behind = d.byArea.filter(
    (a) => a.rateVsTiming !== null && new Decimal(a.rateVsTiming).lessThan(100),
  );
  if (behind.length > 0)
    paras.push(
      paragraphOf('areas-behind', [
        '部分片区投资完成滞后于时序进度。',
        ...behind.flatMap((a, i) => [
          i > 0 ? '；' : '',
          `${a.area}累计完成投资`,
          money(
            `problems.area.${a.area}.actual`,
            a.actual,
            link('/dashboard', { through: ym({ year: p.year, month: p.toMonth }), area: a.area }),
          ),
          `，完成时序任务的${pctText(a.rateVsTiming!)}`,
        ]),
        '。',
      ]),
    );
  if (s.actionItems.overdue > 0 && paras.length < 4)
    paras.push(
      paragraphOf('overdue-items', [
        '此外，交办事项中尚有',
        count(
          'problems.overdueItems',
          s.actionItems.overdue,
          '项',
          link('/action-items', { overdue: 'true' }),
        ),
        '逾期未销号，需进一步压实责任。',
      ]),
    );
  return {
    id: 'problems',
    level: 1,
    heading: '二、存在的问题',
    paragraphs: numbered(paras, (q) => q.id !== 'overdue-items' && q.figures.length > 0),
  };
}

async function planSection(
  db: Db,
  ctx: Ctx,
  p: SummaryPeriod,
  d: DispatchResult,
  through: YearMonth,
  h: Helpers & { dash: (f?: Record<string, string | undefined>) => string },
): Promise<SummarySection> {
  const { count, money, dash } = h;
  const paras: SummaryParagraph[] = [];
  paras.push(
    paragraph(
      'intro',
      T(['', '，将继续紧盯目标任务，全力攻坚克难、狠抓工作落实，重点抓好以下几方面工作。']),
      p.nextLabel === '下一阶段' ? '下一阶段' : `${p.nextLabel}`,
    ),
  );
  if (through.month < 12) {
    const remaining = subtractWan(d.annualTarget, d.actual);
    if (new Decimal(remaining).greaterThan(0))
      paras.push(
        paragraphOf('investment', [
          '全力推动完成年度固投任务。深入实施固投调度“看板”机制，加强督办预警，提速在建项目，',
          `${p.year}年剩余月份需完成投资`,
          money('plan.remaining', remaining, dash()),
          '（年度任务',
          money('plan.annualTarget', d.annualTarget, dash()),
          '），确保完成年度固定资产投资任务。',
        ]),
      );
  } else {
    const next = await dispatchFigures(db, ctx, { period: { year: p.year + 1, month: 12 } });
    if (new Decimal(next.annualTarget).greaterThan(0))
      paras.push(
        paragraphOf('investment', [
          `围绕${p.year + 1}年`,
          money(
            'plan.nextAnnualTarget',
            next.annualTarget,
            link('/dashboard', { through: `${p.year + 1}-12` }),
          ),
          '的固投任务，深入实施固投调度“看板”机制，提速在建项目，确保完成年度固定资产投资任务。',
        ]),
      );
  }
  const due = await db
    .select({
      code: projects.code,
      name: projects.name,
      milestone: milestones.name,
      plannedDate: milestones.plannedDate,
    })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .where(
      and(
        projectScope(ctx.actor),
        isNull(projects.archivedAt),
        sql`${milestones.plannedDate} between ${p.nextFrom} and ${p.nextTo}`,
        sql`(${milestones.actualDate} is null or ${milestones.actualDate} > ${p.to})`,
      ),
    )
    .orderBy(asc(milestones.plannedDate), asc(projects.code));
  if (due.length > 0) {
    const byProject = new Map<string, { name: string; items: string[] }>();
    for (const m of due) {
      const e = byProject.get(m.code) ?? { name: m.name, items: [] };
      const month = Number(m.plannedDate!.slice(5, 7));
      e.items.push(`${month}月${m.milestone}`);
      byProject.set(m.code, e);
    }
    const named = [...byProject.values()].slice(0, LIST_LIMIT);
    paras.push(
      paragraphOf('milestones', [
        '紧盯项目关键节点。',
        p.nextLabel,
        '计划完成项目节点',
        count('plan.milestones', due.length, '个', link('/ledger', {})),
        '，重点推动',
        named.map((e) => `${e.name}${e.items.join('、')}`).join('，'),
        byProject.size > named.length ? '等' : '',
        '。',
      ]),
    );
  }
  if (d.overdueMilestones.length > 0)
    paras.push(
      paragraphOf('overdue', [
        '清单化、闭环式开展预警督导，对已滞后的',
        count(
          'plan.overdueMilestones',
          d.overdueMilestones.length,
          '个项目节点',
          link('/warnings', { month: ym(through), level: 'red' }),
        ),
        '逐项督办，推动项目按计划推进实施。',
      ]),
    );
  return {
    id: 'plan',
    level: 1,
    heading: `三、${p.nextLabel}工作计划`,
    paragraphs: numbered(paras, (q) => q.id !== 'intro'),
  };
}

export { dateZh, isoDateOf };
