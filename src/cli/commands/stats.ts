import type { Command } from 'commander';
import { statsQuery } from '../../contracts/coordination.ts';
import { ACTIVITY_KIND_ZH, ACTIVITY_KINDS } from '../../domain/activities.ts';
import { MEETING_KIND_ZH, MEETING_KINDS } from '../../domain/meetings.ts';
import { AppError } from '../../server/errors.ts';
import { periodStats, type Stats } from '../../server/modules/stats/stats.service.ts';
import { openDatabase, run, withDb } from '../open.ts';

const ACTIVITY_UNIT: Record<string, string> = { delegation: '批次' };

/** The counts as the sentences a summary quotes them in. */
export function renderStats(s: Stats): string {
  const kinds = <K extends string>(
    keys: readonly K[],
    zh: Record<K, string>,
    counts: Record<K, number>,
    unit: (k: K) => string,
  ) => keys.map((k) => `${zh[k]} ${counts[k]}${unit(k)}`).join(' · ');
  const lines = [
    `工作统计 ${s.from} 至 ${s.to}${s.unit ? `（${s.unit}）` : ''}`,
    `会议 ${s.meetings.total} 次：${kinds(MEETING_KINDS, MEETING_KIND_ZH, s.meetings.byKind, () => ' 次')}`,
    `问题：提出 ${s.problems.raised} 个，协调解决 ${s.problems.resolved} 个（${kinds(MEETING_KINDS, MEETING_KIND_ZH, s.problems.resolvedByMeetingKind, () => ' 个')}）`,
    `交办事项：形成 ${s.actionItems.created} 项，销号 ${s.actionItems.closed} 项，逾期 ${s.actionItems.overdue} 项（${kinds(MEETING_KINDS, MEETING_KIND_ZH, s.actionItems.createdByMeetingKind, () => ' 项')}）`,
    `督办单：签发 ${s.notices.issued} 份，销号 ${s.notices.closed} 份`,
    `整改任务：在办 ${s.rectifications.total} 项，销号 ${s.rectifications.closed} 项`,
    ...s.workPlans.map(
      (w) =>
        `工作方案 ${w.name}${w.area ? `（${w.area}）` : ''}：${w.themes} 个方面 ${w.items} 项任务，已完成 ${w.done} 项`,
    ),
    `活动 ${s.activities.total} 次：${kinds(ACTIVITY_KINDS, ACTIVITY_KIND_ZH, s.activities.byKind, (k) => ` ${ACTIVITY_UNIT[k] ?? '次'}`)}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function registerStats(program: Command) {
  withDb(
    program
      .command('stats')
      .description(
        '期间工作量：会议、问题、交办事项、活动 / period counts: meetings, problems, action items, activities',
      )
      .requiredOption('--from <YYYY-MM-DD>', '开始日期（含）/ first day')
      .requiredOption('--to <YYYY-MM-DD>', '结束日期（含）/ last day')
      .option('--unit <name>', '只统计涉及该单位的 / only what involves this unit')
      .option('--json', '输出 JSON / print JSON'),
  ).action((opts) =>
    run(async () => {
      const parsed = statsQuery.safeParse({ from: opts.from, to: opts.to, unit: opts.unit });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.join('.');
        throw new AppError('request.invalid', `--${field}: ${issue.message}`, { field });
      }
      const { database, ctx, close } = await openDatabase(opts);
      try {
        const s = await periodStats(database.db, ctx, parsed.data);
        process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : renderStats(s));
      } finally {
        await close();
      }
    }),
  );
}
