/**
 * A vitest reporter for .ci/run: one line per test as it starts and as it ends, appended
 * synchronously to $TIAODU_CI_TALLY, so a run stopped by the time limit still tells how many
 * tests passed and failed and which ones were running (the JSON reporter writes only at the
 * end of a complete run).
 */
import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestCase } from 'vitest/node';

const file = process.env.TIAODU_CI_TALLY;
const write = (what: string, t: TestCase) => {
  if (file)
    appendFileSync(
      file,
      `${what}\t${t.project.name} ${relative(process.cwd(), t.module.moduleId)} > ${t.fullName}\n`,
    );
};

export default class TallyReporter implements Reporter {
  onTestCaseReady(t: TestCase) {
    write('start', t);
  }
  onTestCaseResult(t: TestCase) {
    write(t.result().state, t);
  }
}
