import { Command } from 'commander';
import { registerAudit } from './commands/audit.ts';
import { registerBackup } from './commands/backup.ts';
import { registerBulletin } from './commands/bulletin.ts';
import { registerDashboard } from './commands/dashboard.ts';
import { registerDemo } from './commands/demo.ts';
import { registerExport } from './commands/export.ts';
import { registerForecast } from './commands/forecast.ts';
import { registerImport } from './commands/import.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerRollup } from './commands/rollup.ts';
import { registerServe } from './commands/serve.ts';
import { registerStats } from './commands/stats.ts';
import { registerSummary } from './commands/summary.ts';
import { registerUsers } from './commands/users.ts';
import { registerWarnings } from './commands/warnings.ts';

/** The `tiaodu` command line, built apart from running it (tiaodu.ts) so a test can run a command in-process. */
export function buildProgram(): Command {
  const program = new Command('tiaodu')
    .description('Tiaodu 调度: 重大项目调度平台 / major-project dispatch platform')
    .showHelpAfterError();

  // Each command lives in commands/<verb>.ts and registers itself here.
  for (const register of [
    registerServe,
    registerMigrate,
    registerDemo,
    registerDashboard,
    registerForecast,
    registerWarnings,
    registerRollup,
    registerBackup,
    registerImport,
    registerExport,
    registerUsers,
    registerAudit,
    registerStats,
    registerBulletin,
    registerSummary,
  ]) {
    register(program);
  }
  return program;
}
