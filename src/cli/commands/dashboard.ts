import type { Command } from 'commander';
import { formatWan, wanToYi } from '../../domain/money.ts';
import { parseYearMonth } from '../../domain/periods.ts';
import { LEVEL_ZH } from '../../domain/warning-rules.ts';
import {
  type DispatchResult,
  dispatchFigures,
} from '../../server/modules/dispatch/dispatch.service.ts';
import type { ProjectFilter } from '../../server/modules/projects/projects.service.ts';
import { openDatabase, run, withDb } from '../open.ts';
import { renderTable } from '../table.ts';

/** Reads --year and --through (or --month) into a checked period; both must agree. */
export function periodOption(opts: { year?: string; through?: string; month?: string }) {
  const text = opts.through ?? opts.month;
  const period = text ? parseYearMonth(text) : null;
  if (!period) throw new Error(`月份“${text ?? ''}”应为 YYYY-MM / month must be YYYY-MM`);
  if (opts.year !== undefined && Number(opts.year) !== period.year) {
    throw new Error(`--year ${opts.year} 与月份 ${text} 不一致 / --year and month disagree`);
  }
  return period;
}

export function filterOptions(cmd: Command): Command {
  return cmd
    .option('--area <name>', '片区 / area')
    .option('--tag <tag>', '标签 / tag, e.g. 六重')
    .option('--unit <name>', '建设单位 / owner unit')
    .option('--category <name>', '项目类别 / category')
    .option('--phase <phase>', 'preparation | construction | completed | in_use');
}

export function filterOf(opts: Record<string, string | undefined>): ProjectFilter {
  return {
    area: opts.area,
    tag: opts.tag,
    unit: opts.unit,
    category: opts.category,
    phase: opts.phase as ProjectFilter['phase'],
  };
}

const pct = (v: string | null) => (v === null ? '—' : `${v}%`);

export function renderDashboard(d: DispatchResult): string {
  const kpi = [
    `调度数据 ${d.through}（截至${d.year}年${Number(d.through.slice(5))}月）`,
    `项目 ${d.projects} 个（有年度计划 ${d.plannedProjects} 个）`,
    `年度计划 ${wanToYi(d.annualTarget)}亿元 · 时序目标 ${wanToYi(d.timingTarget)}亿元 · 累计完成 ${wanToYi(d.actual)}亿元`,
    `完成率：时序 ${pct(d.rateVsTiming)} · 年度 ${pct(d.rateVsAnnual)} · 较年初计划 ${d.aboveInitialPlan === null ? '—' : `${d.aboveInitialPlan}%`}`,
    `预警：${LEVEL_ZH.green} ${d.warnings.green} · ${LEVEL_ZH.yellow} ${d.warnings.yellow} · ${LEVEL_ZH.red} ${d.warnings.red}`,
  ];
  const groupRows = (
    rows: (DispatchResult['byArea'][number] | DispatchResult['byTag'][number])[],
    key: 'area' | 'tag',
  ) =>
    rows.map((r) => [
      (r as Record<string, unknown>)[key] as string,
      String(r.projects),
      formatWan(r.annualTarget),
      formatWan(r.timingTarget),
      formatWan(r.actual),
      pct(r.rateVsTiming),
      `${r.warnings.green}/${r.warnings.yellow}/${r.warnings.red}`,
    ]);
  const header = (first: string) => [
    first,
    '项目',
    '年度计划(万元)',
    '时序目标(万元)',
    '累计完成(万元)',
    '完成率',
    '按期/关注/督办',
  ];
  const out = [
    kpi.join('\n'),
    '',
    renderTable(header('片区'), groupRows(d.byArea, 'area'), [1, 2, 3, 4, 5]),
    '',
    renderTable(header('标签'), groupRows(d.byTag, 'tag'), [1, 2, 3, 4, 5]),
  ];
  if (d.flagged.length > 0) {
    out.push(
      '',
      renderTable(
        ['等级', '项目编号', '项目名称', '原因'],
        d.flagged.map((f) => [
          LEVEL_ZH[f.level],
          f.code,
          f.name,
          f.reasons.map((r) => r.zh).join('；') || (f.overrideReason ?? ''),
        ]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

export function registerDashboard(program: Command) {
  withDb(
    filterOptions(
      program
        .command('dashboard')
        .description('固投调度数据 / dispatch figures')
        .option('--year <year>', '年度 / year')
        .requiredOption('--through <YYYY-MM>', '截至月份 / through month')
        .option('--json', '输出 JSON / print JSON'),
    ),
  ).action((opts) =>
    run(async () => {
      const period = periodOption(opts);
      const { database, ctx, close } = await openDatabase(opts);
      try {
        const d = await dispatchFigures(database.db, ctx, { period, filter: filterOf(opts) });
        process.stdout.write(opts.json ? `${JSON.stringify(d, null, 2)}\n` : renderDashboard(d));
      } finally {
        await close();
      }
    }),
  );
}
