import { Command } from 'commander';
import { registerDashboard } from './commands/dashboard.ts';
import { registerDemo } from './commands/demo.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerRollup } from './commands/rollup.ts';
import { registerServe } from './commands/serve.ts';
import { registerWarnings } from './commands/warnings.ts';

const program = new Command('tiaodu')
  .description('Tiaodu 调度: 重大项目调度平台 / major-project dispatch platform')
  .showHelpAfterError();

// Each command lives in commands/<verb>.ts and registers itself here.
for (const register of [
  registerServe,
  registerMigrate,
  registerDemo,
  registerDashboard,
  registerWarnings,
  registerRollup,
]) {
  register(program);
}

await program.parseAsync(process.argv);
