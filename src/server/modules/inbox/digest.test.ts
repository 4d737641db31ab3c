import { eq } from 'drizzle-orm';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildActionItem, buildUnit, ctxOf } from '../../../../test/factories.ts';
import { createTestApp } from '../../../../test/test-app.ts';
import type { Ctx } from '../../context.ts';
import { createUser } from '../accounts/user-admin.service.ts';
import { type MailTransport, sendDailyDigest, startDigestJob } from './digest.service.ts';
import { jobRuns } from './job-runs.table.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let sys: () => Ctx;

/** nodemailer's own JSON transport: every message built as it would be sent, kept here. */
function mailbox() {
  const sent: { to: string; subject: string; text: string }[] = [];
  const json = createTransport({ jsonTransport: true });
  const transport: MailTransport = {
    sendMail: async (message) => {
      const info = await json.sendMail(message);
      const built = JSON.parse(info.message as unknown as string);
      sent.push({ to: built.to[0].address, subject: built.subject, text: built.text });
      return info;
    },
  };
  return { sent, transport };
}

beforeAll(async () => {
  // 2023-05-10 10:00 in Shenzhen
  t = await createTestApp({ auth: 'session', now: new Date('2023-05-10T02:00:00Z') });
  sys = () => ctxOf(t.officeId, t.clock.now);
  const db = t.database.db;
  const unit = (await buildUnit(db, sys(), '市建筑工务署')).id;
  const person = (
    username: string,
    role: 'reporter' | 'coordinator' | 'sysadmin',
    email?: string,
  ) =>
    createUser(db, sys(), {
      username,
      displayName: username,
      role,
      unitId: role === 'reporter' ? unit : null,
      email,
    });
  await person('gws-li', 'reporter', 'li@gws.example.cn');
  await person('gws-wang', 'reporter');
  await person('office-zhou', 'coordinator', 'zhou@office.example.cn');
  await person('sys-chen', 'sysadmin', 'chen@office.example.cn');
  await buildActionItem(db, sys(), {
    responsibleUnitId: unit,
    content: '完成二号变电站用地预审材料补正',
    assignedOn: '2023-04-01',
    deadline: '2023-05-05',
  });
});
afterAll(() => t.close());

describe('the daily digest', () => {
  it('mails each person with an address their own inbox, once a day, whatever the number of instances', async () => {
    const a = mailbox();
    const b = mailbox();
    const opts = { officeId: t.officeId, now: t.clock.now, from: 'Tiaodu <noreply@example.cn>' };
    // two instances at the same moment: exactly one claims the day
    const runs = await Promise.all([
      sendDailyDigest(t.database.db, {
        ...opts,
        transport: a.transport,
        publicUrl: 'https://t.example.cn',
      }),
      sendDailyDigest(t.database.db, { ...opts, transport: b.transport }),
    ]);
    expect(runs.filter((r) => r.claimed)).toHaveLength(1);
    const mails = [...a.sent, ...b.sent];
    // the reporter without an address and the admin duty (no business inbox) get nothing
    expect(mails.map((m) => m.to).sort()).toEqual(['li@gws.example.cn', 'zhou@office.example.cn']);
    const li = mails.find((m) => m.to === 'li@gws.example.cn')!;
    expect(li.subject).toBe('【调度】2023-05-10 待办 1 项，其中逾期 1 项 / 1 to do, 1 overdue');
    expect(li.text).toContain(
      '【已逾期】交办事项已逾期（2023-05-05）：完成二号变电站用地预审材料补正',
    );
    const zhou = mails.find((m) => m.to === 'zhou@office.example.cn')!;
    expect(zhou.text).toContain('逾期未销号的交办事项 1 项');

    // later the same day (a restart, another tick) sends nothing again
    const again = mailbox();
    expect(await sendDailyDigest(t.database.db, { ...opts, transport: again.transport })).toEqual({
      claimed: false,
    });
    expect(again.sent).toEqual([]);
    const [run] = await t.database.db.select().from(jobRuns).where(eq(jobRuns.runOn, '2023-05-10'));
    expect(run).toMatchObject({ job: 'inbox-digest', outcome: 'success' });
    expect(run.detail).toMatch(/^sent 2, failed 0/);
  });

  it('records a mail server that refuses as a failure, and waits for the hour of the office’s day', async () => {
    const refusing: MailTransport = createTransport('smtp://127.0.0.1:1');
    const logs: string[] = [];
    // 07:30 in Shenzhen: before the hour, nothing is claimed
    let now = new Date('2023-05-10T23:30:00Z');
    const job = startDigestJob(t.database.db, {
      officeId: t.officeId,
      transport: refusing,
      from: 'Tiaodu <noreply@example.cn>',
      hour: 8,
      log: (l) => logs.push(l),
      everyMs: 60_000,
      now: () => now,
    });
    await job.stop();
    expect(
      await t.database.db.select().from(jobRuns).where(eq(jobRuns.runOn, '2023-05-11')),
    ).toEqual([]);
    // 08:30: claimed, every message refused, and said so
    now = new Date('2023-05-11T00:30:00Z');
    const late = startDigestJob(t.database.db, {
      officeId: t.officeId,
      transport: refusing,
      from: 'Tiaodu <noreply@example.cn>',
      hour: 8,
      log: (l) => logs.push(l),
      everyMs: 60_000,
      now: () => now,
    });
    await late.stop();
    const [run] = await t.database.db.select().from(jobRuns).where(eq(jobRuns.runOn, '2023-05-11'));
    expect(run.outcome).toBe('failure');
    expect(run.detail).toMatch(/^sent 0, failed 2/);
    expect(logs.join('\n')).toMatch(/daily digest: sent 0, failed 2/);
  });
});
