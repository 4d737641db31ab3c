import type { Command } from 'commander';
import { readEnv } from '../../server/env.ts';
import type { startServer } from '../../server/main.ts';
import { run, withDb } from '../open.ts';

type Started = Pick<
  Awaited<ReturnType<typeof startServer>>,
  'address' | 'database' | 'production' | 'demoLoaded' | 'demoDisabled' | 'demo' | 'noAccounts'
>;

/** What `serve` prints once listening: where it runs, and how to log in (or create the first admin). */
export function startupMessage(server: Started): string {
  const url = server.address.replace('://127.0.0.1', '://localhost');
  return [
    '',
    `Tiaodu 调度 已启动 / is running: ${url}${server.production ? ' (production)' : ''}`,
    `数据库 / database: ${server.database.kind} ${server.database.location}`,
    `API 文档 / API docs: ${url}/api/docs`,
    server.demoLoaded ? '已载入演示办公室 / demo office loaded' : '',
    ...(server.demoDisabled.length > 0
      ? [
          '',
          `生产模式：已停用使用公开密码的演示账号 / production: disabled the demo accounts (published password): ${server.demoDisabled.join(', ')}`,
        ]
      : []),
    ...(server.demo.demo
      ? [
          '',
          `演示账号 / demo log-ins (密码 / password: ${server.demo.password}):`,
          ...server.demo.accounts.map((a) => `  ${a.username.padEnd(14)} ${a.role}`),
        ]
      : []),
    ...(server.noAccounts
      ? [
          '',
          server.production
            ? '生产模式不载入演示数据，也还没有可登录的账号 / production never loads the demo, and no account can log in yet.'
            : '还没有可登录的账号 / no account can log in yet.',
          '创建第一个管理员 / create the first admin:  npx tiaodu users create-admin --username <name>',
        ]
      : []),
    '',
  ]
    .filter((l, i, a) => l !== '' || a[i - 1] !== '')
    .join('\n');
}

export function registerServe(program: Command) {
  withDb(
    program
      .command('serve', { isDefault: true })
      .description('启动服务（空库时载入演示数据，生产模式除外）/ serve the API and web app')
      .option('--port <port>', '端口 / port', '3000')
      .option('--host <host>', '监听地址 / host', '127.0.0.1')
      .option(
        '--no-demo',
        '空库时不载入演示数据（生产模式从不载入）/ do not load the demo into an empty database (production never does)',
      ),
  ).action((opts) =>
    run(async () => {
      const env = readEnv();
      // Loaded when serving only: the web server is most of what the CLI would otherwise load
      // on every start, and the other commands (and their tests) do not need it.
      const { startServer } = await import('../../server/main.ts');
      const server = await startServer(
        // A terminal gets the warnings only unless LOG_LEVEL asks for more (the request log
        // at `info` is for a server whose output is collected).
        { ...env, LOG_LEVEL: process.env.LOG_LEVEL ? env.LOG_LEVEL : 'warn' },
        { demo: opts.demo, dataDir: opts.dataDir, port: Number(opts.port), host: opts.host },
      );
      process.stdout.write(startupMessage(server));
      // Keep running until a signal arrives.
      await new Promise(() => {});
    }).then(() => {
      // Only a failed start gets here (run printed why): end the process even when something
      // it opened (a listening socket, the embedded database) would keep it alive, so a
      // supervisor sees the failure and the data directory is free again.
      process.exit(process.exitCode ?? 1);
    }),
  );
}
