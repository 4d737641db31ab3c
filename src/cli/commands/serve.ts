import type { Command } from 'commander';
import { readEnv } from '../../server/env.ts';
import { startServer } from '../../server/main.ts';
import { run, withDb } from '../open.ts';

export function registerServe(program: Command) {
  withDb(
    program
      .command('serve', { isDefault: true })
      .description('启动服务（空库时载入演示数据）/ serve the API and web app')
      .option('--port <port>', '端口 / port', '3000')
      .option('--host <host>', '监听地址 / host', '127.0.0.1')
      .option('--no-demo', '空库时不载入演示数据 / do not load the demo into an empty database'),
  ).action((opts) =>
    run(async () => {
      const env = readEnv();
      const server = await startServer(
        { ...env, LOG_LEVEL: env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL },
        { demo: opts.demo, dataDir: opts.dataDir, port: Number(opts.port), host: opts.host },
      );
      const url = server.address.replace('://127.0.0.1', '://localhost');
      process.stdout.write(
        [
          '',
          `Tiaodu 调度 已启动 / is running: ${url}`,
          `数据库 / database: ${server.database.kind} ${server.database.location}`,
          `API 文档 / API docs: ${url}/api/docs`,
          server.demoLoaded ? '已载入演示办公室 / demo office loaded' : '',
          ...(server.demo.demo
            ? [
                '',
                `演示账号 / demo log-ins (密码 / password: ${server.demo.password}):`,
                ...server.demo.accounts.map((a) => `  ${a.username.padEnd(14)} ${a.role}`),
              ]
            : [
                '',
                '没有演示账号；用 `npx tiaodu users create-admin` 创建第一个管理员 / no demo log-ins',
              ]),
          '',
        ]
          .filter((l, i, a) => l !== '' || a[i - 1] !== '')
          .join('\n'),
      );
      // Keep running until a signal arrives.
      await new Promise(() => {});
    }),
  );
}
