import type { Command } from 'commander';
import { formatWan } from '../../domain/money.ts';
import type { Ctx } from '../../server/context.ts';
import { createDb } from '../../server/db.ts';
import {
  type Backtest,
  type ForecastResult,
  forecastBacktest,
  forecastYear,
} from '../../server/modules/forecast/forecast.service.ts';
import { ensureOffice, systemActor } from '../../server/modules/offices/offices.service.ts';
import { openDatabase, run, withDb } from '../open.ts';
import { renderTable } from '../table.ts';
import { periodOption } from './dashboard.ts';

const BACKTEST_MONTHS = [3, 6, 9];

/** The answer as the issue specifies it (amounts as 万元 strings), with the basis said. */
export function forecastJson(f: ForecastResult) {
  return {
    year: f.year,
    through: f.through,
    annualTarget: f.annualTarget,
    actual: f.actual,
    expected: f.expected,
    low: f.low,
    high: f.high,
    gap: f.gap,
    basis: f.basis,
    historyYears: f.historyYears,
    projects: f.projects.map((p) => ({
      code: p.code,
      expected: p.expected,
      low: p.low,
      high: p.high,
      gap: p.gap,
      method: p.method,
    })),
  };
}

const money = (v: string | null) => (v === null ? '—' : formatWan(v));
const METHOD_ZH: Record<ForecastResult['projects'][number]['method'], string> = {
  share: '按历年同月占比',
  plan: '按计划×历年完成率',
  actual: '全年已结束',
  none: '无历史',
};

export function renderForecast(f: ForecastResult): string {
  const head =
    f.basis === 'none'
      ? [
          `全年预计完成 ${f.year}（截至${f.through}）：本办无已结束年度的数据，无法预计 / no past year to forecast from`,
          `年度计划 ${money(f.annualTarget)} 万元 · 累计完成 ${money(f.actual)} 万元`,
        ]
      : [
          `全年预计完成 ${f.year}（截至${f.through}，依据 ${f.historyYears.join('、')} 年 ${f.samples} 个项目年度）`,
          `年度计划 ${money(f.annualTarget)} 万元 · 累计完成 ${money(f.actual)} 万元`,
          `预计全年 ${money(f.expected)} 万元（区间 ${money(f.low)} – ${money(f.high)}）· 差距 ${money(f.gap)} 万元`,
        ];
  const table = renderTable(
    ['项目编号', '年度计划', '累计完成', '预计全年', '低', '高', '差距', '方法'],
    f.projects.map((p) => [
      p.code,
      money(p.annualTarget),
      money(p.actual),
      money(p.expected),
      money(p.low),
      money(p.high),
      money(p.gap),
      METHOD_ZH[p.method],
    ]),
    [1, 2, 3, 4, 5, 6],
  );
  return `${head.join('\n')}\n\n${table}\n`;
}

export function renderBacktest(b: Backtest): string {
  const pct = (v: string | null) => (v === null ? '—' : `${(Number(v) * 100).toFixed(1)}%`);
  const rows = renderTable(
    [
      '年度',
      '截至月',
      '历史年度',
      '项目',
      '全年实际(万元)',
      '预计(万元)',
      '区间(万元)',
      '合计误差',
      '项目误差中位数',
      '在区间内',
    ],
    b.rows.map((r) => [
      String(r.year),
      String(r.month),
      r.historyYears.join(',') || '—',
      String(r.projects),
      money(r.finalTotal),
      money(r.expectedTotal),
      `${money(r.lowTotal)} – ${money(r.highTotal)}`,
      pct(r.totalApe),
      pct(r.medianProjectApe),
      r.inBand === null ? '—' : r.inBand ? '是' : '否',
    ]),
    [3, 4, 5, 7, 8],
  );
  const summary = b.summary
    .map(
      (s) =>
        `M=${s.month}: MAPE total ${s.totalMape ?? '—'}% · median project ${s.medianProjectMape ?? '—'}% · total inside the band ${s.inBand}/${s.years}`,
    )
    .join('\n');
  return `留一回测（演示办公室）/ leave-one-out backtest on the demo office\n\n${rows}\n\n${summary}\n`;
}

/** Loads the demo office into a throw-away in-memory database and backtests on it. */
async function backtestOnDemo(onProgress: (step: string) => void): Promise<Backtest> {
  const { loadDemo } = await import('../../demo/demo-office.ts');
  const database = await createDb({ dataDir: 'memory://' });
  try {
    await database.migrate();
    await loadDemo(database.db, { onProgress });
    const office = await ensureOffice(database.db);
    const ctx: Ctx = { actor: systemActor(office.id), now: new Date() };
    return await forecastBacktest(database.db, ctx, BACKTEST_MONTHS);
  } finally {
    await database.close();
  }
}

export function registerForecast(program: Command) {
  withDb(
    program
      .command('forecast')
      .description('全年预计完成 / year-end forecast')
      .option('--year <year>', '年度 / year')
      .option('--through <YYYY-MM>', '截至月份 / through month')
      .option('--area <name>', '片区 / area')
      .option('--tag <tag>', '标签 / tag, e.g. 六重')
      .option('--json', '输出 JSON / print JSON')
      .option(
        '--backtest',
        '在演示办公室上留一回测（3、6、9月）/ leave-one-out backtest on the demo office at months 3, 6, 9',
      ),
  ).action((opts) =>
    run(async () => {
      if (opts.backtest) {
        const b = await backtestOnDemo((step) => process.stderr.write(`… ${step}\n`));
        process.stdout.write(opts.json ? `${JSON.stringify(b, null, 2)}\n` : renderBacktest(b));
        return;
      }
      if (opts.through === undefined) {
        throw new Error('缺少 --through YYYY-MM / --through YYYY-MM is required');
      }
      const period = periodOption(opts);
      const { database, ctx, close } = await openDatabase(opts);
      try {
        const f = await forecastYear(database.db, ctx, {
          period,
          filter: { area: opts.area, tag: opts.tag },
        });
        process.stdout.write(
          opts.json ? `${JSON.stringify(forecastJson(f), null, 2)}\n` : renderForecast(f),
        );
      } finally {
        await close();
      }
    }),
  );
}
