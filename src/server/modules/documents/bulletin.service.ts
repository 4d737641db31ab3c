import { bulletinQuery } from '../../../contracts/bulletin.ts';
import { compareWan, formatWan, subtractWan, wanToYi } from '../../../domain/money.ts';
import { isoDateOf, parseYearMonth, type YearMonth } from '../../../domain/periods.ts';
import { LEVEL_ZH, type Level, latenessAsOf } from '../../../domain/warning-rules.ts';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { can } from '../../policy.ts';
import { listActionItems } from '../action-items/action-items.service.ts';
import {
  type DispatchResult,
  dispatchFigures,
  type Figures,
} from '../dispatch/dispatch.service.ts';
import { officeName } from '../offices/offices.service.ts';
import { evaluateMonth } from '../warnings/warnings.service.ts';
import type { DocumentBlock, OfficialDocument } from './official-document.ts';

/**
 * The monthly bulletin (月度通报): one to two pages for the office and the district leaders on
 * where the major projects stand at a month's end. Every figure is read from the services the
 * dashboard reads (dispatchFigures, evaluateMonth, listActionItems); this file only words them.
 */

const forbidden = () =>
  new AppError('permission.forbidden', '没有权限执行此操作', { messageEn: 'you may not do this' });

/** The most overdue action items the bulletin lists; the count above the table is the total. */
const MAX_ACTION_ITEMS = 30;
/** reasons quoted per flagged project, to keep it to one line */
const MAX_REASONS = 1;
const NO_UNIT = '未明确建设单位';

/** 2023年6月重大项目推进情况通报 */
export function bulletinTitle(p: YearMonth): string {
  return `${p.year}年${p.month}月重大项目推进情况通报`;
}

/** The file name a download or the CLI gives it: the title and the extension. */
export function bulletinFilename(p: YearMonth, ext: 'docx' | 'pdf'): string {
  return `${bulletinTitle(p)}.${ext}`;
}

const zhDate = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};
const yi = (wan: string) => `${wanToYi(wan)}亿元`;
const rateText = (r: string | null) => (r === null ? '—' : `${r}%`);

/** 督办2 and 关注1 on two lines of a cell — or 按期推进 when nothing is flagged. */
function statusText(w: Record<Level, number>): string {
  const parts = [w.red ? `督办${w.red}` : '', w.yellow ? `关注${w.yellow}` : ''].filter(Boolean);
  return parts.length ? parts.join('\n') : '按期推进';
}

function figureRow(name: string, f: Figures): string[] {
  return [
    name,
    formatWan(f.annualTarget),
    formatWan(f.timingTarget),
    formatWan(f.actual),
    rateText(f.rateVsTiming),
    statusText(f.warnings),
  ];
}

function opening(p: YearMonth, d: DispatchResult): DocumentBlock {
  const span = p.month === 1 ? '1月' : `1—${p.month}月`;
  const parts = [
    `截至${p.year}年${p.month}月底，纳入调度的重大项目共${d.projects}个，其中下达${p.year}年度投资计划的${d.plannedProjects}个，年度计划投资${yi(d.annualTarget)}`,
  ];
  if (d.rateVsTiming !== null) {
    const cmp = compareWan(d.actual, d.timingTarget);
    const verdict =
      cmp > 0
        ? '超额完成固定资产投资时序任务'
        : cmp === 0
          ? '完成固定资产投资时序任务'
          : `距时序目标尚差${yi(subtractWan(d.timingTarget, d.actual))}`;
    parts.push(
      `${span}时序目标${yi(d.timingTarget)}，累计完成投资${yi(d.actual)}，完成率${rateText(d.rateVsTiming)}（占年度计划的${rateText(d.rateVsAnnual)}），${verdict}`,
    );
  } else {
    parts.push(`${span}累计完成投资${yi(d.actual)}`);
  }
  parts.push(
    `经月度研判，督办项目${d.warnings.red}个、提请关注项目${d.warnings.yellow}个、按期推进项目${d.warnings.green}个`,
  );
  return { kind: 'paragraph', text: `${parts.join('；')}。` };
}

/** One line on why a project is flagged: its computed level's first reasons, and any override. */
function flaggedReason(f: DispatchResult['flagged'][number]): string {
  // the computed level's own reasons first: they are why the rule put it there
  const own = f.reasons.filter((r) => r.level === f.computedLevel);
  const reasons = (own.length ? own : f.reasons).map((r) => r.zh);
  let reason = reasons.slice(0, MAX_REASONS).join('；');
  if (reasons.length > MAX_REASONS) reason += `等${reasons.length}项`;
  if (f.overrideReason && f.level !== f.computedLevel) {
    reason = `${reason ? `${reason}；` : ''}经研判调整为${LEVEL_ZH[f.level]}：${f.overrideReason}`;
  }
  return reason;
}

function flaggedBlocks(d: DispatchResult): DocumentBlock[] {
  const red = d.flagged.filter((f) => f.level === 'red');
  const yellow = d.flagged.filter((f) => f.level === 'yellow');
  const blocks: DocumentBlock[] = [
    { kind: 'heading', level: 1, text: '二、督办和提请关注项目' },
    {
      kind: 'paragraph',
      text:
        d.flagged.length === 0
          ? '本月无督办和提请关注项目，各项目均按期推进。'
          : `本月督办项目${red.length}个、提请关注项目${yellow.length}个，请建设单位对照原因逐项落实整改措施，督办项目按督办单要求报送整改情况。`,
    },
  ];
  if (d.flagged.length > 0) {
    // red first, then yellow (dispatchFigures orders them worst first)
    blocks.push({
      kind: 'table',
      caption: '表2　督办和提请关注项目',
      fontPt: 10.5,
      columns: [
        { header: '序号', align: 'center', widthPct: 7 },
        { header: '项目名称', align: 'left', widthPct: 23 },
        { header: '建设单位', align: 'left', widthPct: 17 },
        { header: '预警', align: 'center', widthPct: 7 },
        { header: '主要原因', align: 'left', widthPct: 46 },
      ],
      rows: d.flagged.map((f, i) => [
        String(i + 1),
        f.name,
        f.ownerUnit ?? NO_UNIT,
        f.level === 'red' ? '督办' : '关注',
        flaggedReason(f),
      ]),
    });
  }
  return blocks;
}

/** Builds the bulletin of a month from the services; coordinators and leaders only. */
export async function buildBulletin(
  db: Db,
  ctx: Ctx,
  raw: { month: string },
): Promise<OfficialDocument> {
  if (!can(ctx.actor, 'document.read')) throw forbidden();
  const { month } = bulletinQuery.pick({ month: true }).parse(raw);
  const period = parseYearMonth(month)!;
  // the month's last day, or today while the month is not over (as the warnings measure it)
  const asOf = latenessAsOf(period, isoDateOf(ctx.now));
  // The overdue list is the action items service's own, at the bulletin's day: its clock set to
  // that day (China Standard Time), so "overdue" and the days are counted as the dashboard does.
  const asOfCtx: Ctx =
    asOf === isoDateOf(ctx.now) ? ctx : { ...ctx, now: new Date(`${asOf}T12:00:00+08:00`) };

  // One after the other: PGlite has one connection and serializes them anyway.
  const d = await dispatchFigures(db, ctx, { period });
  const standings = await evaluateMonth(db, ctx, { period });
  const overdue = await listActionItems(db, asOfCtx, {
    overdue: true,
    pageSize: MAX_ACTION_ITEMS,
  });
  const office = await officeName(db, ctx.actor.officeId);

  const blocks: DocumentBlock[] = [opening(period, d)];

  blocks.push({ kind: 'heading', level: 1, text: '一、各片区投资完成情况' });
  blocks.push({
    kind: 'table',
    caption: '表1　各片区重大项目投资完成情况',
    unitLine: '单位：万元',
    columns: [
      { header: '片区', align: 'left', widthPct: 17 },
      { header: '年度计划', align: 'right', widthPct: 19.5 },
      { header: '时序目标', align: 'right', widthPct: 19.5 },
      { header: '累计完成', align: 'right', widthPct: 19.5 },
      { header: '完成率', align: 'right', widthPct: 11.5 },
      { header: '状态', align: 'center', widthPct: 13 },
    ],
    rows: [...d.byArea.map((a) => figureRow(a.area, a)), figureRow('合计', d)],
    boldRows: [d.byArea.length],
  });

  blocks.push(...flaggedBlocks(d));

  blocks.push({ kind: 'heading', level: 1, text: '三、逾期未办结的交办事项' });
  if (overdue.overdue === 0) {
    blocks.push({ kind: 'paragraph', text: `截至${zhDate(asOf)}，无逾期未办结的交办事项。` });
  } else {
    const shown = overdue.items.length;
    blocks.push({
      kind: 'paragraph',
      text: `截至${zhDate(asOf)}，逾期未办结的交办事项${overdue.overdue}项${shown < overdue.overdue ? `（下表列出逾期最久的${shown}项）` : ''}，请责任单位抓紧办理并报送办理情况。`,
    });
    blocks.push({
      kind: 'table',
      caption: `表${d.flagged.length > 0 ? 3 : 2}　逾期未办结的交办事项`,
      fontPt: 10.5,
      columns: [
        { header: '序号', align: 'center', widthPct: 8 },
        { header: '交办事项', align: 'left', widthPct: 44 },
        { header: '责任单位', align: 'left', widthPct: 22 },
        { header: '办理期限', align: 'center', widthPct: 14 },
        { header: '逾期天数', align: 'right', widthPct: 12 },
      ],
      rows: overdue.items.map((it, i) => [
        String(i + 1),
        it.projectName ? `${it.content}（${it.projectName}）` : it.content,
        it.responsibleUnitName,
        it.deadline,
        String(it.daysOverdue),
      ]),
    });
  }

  // Not reported: the warnings' reporting rule (isReportDue and no report handed in), per unit.
  const missing = new Map<string, number>();
  for (const s of standings) {
    if (s.reasons.some((r) => r.rule === 'reporting')) {
      const unit = s.ownerUnit ?? NO_UNIT;
      missing.set(unit, (missing.get(unit) ?? 0) + 1);
    }
  }
  blocks.push({ kind: 'heading', level: 1, text: '四、月报报送情况' });
  if (missing.size === 0) {
    blocks.push({
      kind: 'paragraph',
      text: `${period.month}月应报送月报的项目均已按时报送。`,
    });
  } else {
    const projects = [...missing.values()].reduce((s, n) => s + n, 0);
    const list = [...missing.entries()].map(([unit, n]) => `${unit}（${n}个项目）`).join('、');
    blocks.push({
      kind: 'paragraph',
      text: `${list}未报送${period.month}月月报，共${missing.size}个单位${projects}个项目。请相关单位尽快补报。`,
    });
  }

  return {
    title: bulletinTitle(period),
    blocks,
    signature: { issuer: office, date: zhDate(isoDateOf(ctx.now)) },
  };
}
