import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { Ctx } from '../../server/context.ts';
import { ACCOUNT_ROLES, type AccountRole } from '../../server/modules/accounts/accounts.table.ts';
import { createUser, resetPassword } from '../../server/modules/accounts/user-admin.service.ts';
import { listUsers } from '../../server/modules/accounts/user-directory.service.ts';
import { ensureUnit } from '../../server/modules/units/units.service.ts';
import { openDatabase, run, withDb } from '../open.ts';
import { renderTable } from '../table.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const cliCtx = (ctx: Ctx, command: string): Ctx => ({
  ...ctx,
  request: { id: randomUUID(), ip: 'cli', route: `cli ${command}` },
});

export function registerUsers(program: Command) {
  const users = program.command('users').description('账号管理 / accounts');
  withDb(
    users
      .command('create-admin')
      .description(
        '创建管理员账号（新装系统的第一个账号），打印一次性临时密码，首次登录须修改 / create an admin account; prints a one-time password',
      )
      .requiredOption('--username <name>', '用户名 / user name')
      .option('--role <role>', `角色 / role: ${ACCOUNT_ROLES.join(' | ')}`, 'sysadmin')
      .option('--display-name <name>', '姓名 / display name')
      .option('--unit <name>', '所属单位（填报员）/ owner unit, for a reporter')
      .option('--password-stdin', '从标准输入读取密码，而不是生成 / read the password from stdin'),
  ).action((opts) =>
    run(async () => {
      if (!(ACCOUNT_ROLES as readonly string[]).includes(opts.role)) {
        throw new Error(`--role 应为 ${ACCOUNT_ROLES.join('、')} / unknown role "${opts.role}"`);
      }
      const password = opts.passwordStdin ? await readStdin() : undefined;
      const { database, ctx: base, close } = await openDatabase(opts);
      try {
        const ctx = cliCtx(base, 'users create-admin');
        const unitId = opts.unit ? (await ensureUnit(database.db, ctx, opts.unit)).unit.id : null;
        const { user, temporaryPassword } = await createUser(database.db, ctx, {
          username: opts.username,
          displayName: opts.displayName ?? opts.username,
          role: opts.role as AccountRole,
          unitId,
          password,
        });
        process.stdout.write(`已创建 / created: ${user.username} (${user.role})\n`);
        if (temporaryPassword) {
          process.stdout.write(
            `临时密码（只显示这一次，首次登录须修改）/ one-time password (shown once, change it at first log-in):\n${temporaryPassword}\n`,
          );
        }
        if (['sysadmin', 'secadmin', 'auditadmin'].includes(user.role)) {
          process.stdout.write(
            '首次登录后须绑定动态验证码（TOTP）/ an admin must enrol TOTP at first log-in\n',
          );
        }
      } finally {
        await close();
      }
    }),
  );
  withDb(
    users
      .command('reset-password')
      .description(
        "重置密码（如安全管理员本人的账号：本职责不能自己办理），打印一次性临时密码 / reset a password, e.g. the security admin's own (no duty resets its own); prints a one-time password",
      )
      .requiredOption('--username <name>', '用户名 / user name'),
  ).action((opts) =>
    run(async () => {
      const { database, ctx: base, close } = await openDatabase(opts);
      try {
        const ctx = cliCtx(base, 'users reset-password');
        const username = String(opts.username).trim().toLowerCase();
        const found = (
          await listUsers(database.db, ctx, { q: username, pageSize: 200 })
        ).items.find((u) => u.username === username);
        if (!found) throw new Error(`没有用户名为“${username}”的账号 / no account "${username}"`);
        const { temporaryPassword } = await resetPassword(database.db, ctx, found.id);
        process.stdout.write(
          `已重置 / reset: ${found.username} (${found.role})\n临时密码（只显示这一次，登录后须修改）/ one-time password (shown once, to be changed at log-in):\n${temporaryPassword}\n`,
        );
      } finally {
        await close();
      }
    }),
  );
  withDb(
    users
      .command('list')
      .description('账号列表 / list accounts')
      .option(
        '--inactive-days <n>',
        '只列出 N 天未登录的在用账号 / only enabled accounts idle for N days',
      )
      .option('--json', '输出 JSON / print JSON'),
  ).action((opts) =>
    run(async () => {
      const { database, ctx, close } = await openDatabase(opts);
      try {
        const items = [];
        for (let page = 1; ; page++) {
          const res = await listUsers(database.db, ctx, {
            page,
            pageSize: 200,
            inactiveDays: opts.inactiveDays ? Number(opts.inactiveDays) : undefined,
          });
          items.push(...res.items);
          if (items.length >= res.total || res.items.length === 0) break;
        }
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify(
              items.map((u) => ({
                id: u.id,
                username: u.username,
                displayName: u.displayName,
                role: u.role,
                unitName: u.unitName,
                disabled: u.disabled,
                locked: u.locked,
                totpEnabled: u.totpEnabled,
                lastLoginAt: u.lastLoginAt,
              })),
              null,
              2,
            )}\n`,
          );
          return;
        }
        process.stdout.write(
          `${renderTable(
            ['用户名', '姓名', '角色', '单位', '状态', '动态码', '最近登录'],
            items.map((u) => [
              u.username,
              u.displayName,
              u.role,
              u.unitName ?? '',
              u.disabled ? '停用' : u.locked ? '锁定' : '在用',
              u.totpEnabled ? '已绑定' : '',
              u.lastLoginAt ? u.lastLoginAt.toISOString() : '从未',
            ]),
          )}\n共 ${items.length} 个账号\n`,
        );
      } finally {
        await close();
      }
    }),
  );
}
