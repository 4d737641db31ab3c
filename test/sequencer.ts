import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Whether a file is among the slowest however short it is: it runs commands through the CLI
 * harness (each a database of its own, some a real process) or loads the demo office.
 */
function heavy(file: TestSpecification): boolean {
  try {
    const text = readFileSync(file.moduleId, 'utf8');
    return text.includes('cli-harness') || text.includes('loadDemo(');
  } catch {
    return false;
  }
}

/**
 * Vitest's own order (unknown and larger files first, then the slowest by the cache), with the
 * browser journeys first of all: they are one long file, and started first they run beside the
 * other projects' files instead of after them, so the run takes about as long as its longest
 * part rather than the sum. On a 2-core CI machine with another process busy, the extra
 * runnable processes also get a larger share of the cores.
 *
 * A clean clone (CI) has no cache, and vitest then orders by size alone, which put the CLI and
 * demo files, short but among the slowest, near the end, where one of them started last kept
 * the run going alone. Without a cached duration for every file those go first (longest
 * first), PGlite's before PostgreSQL's.
 */
export class BrowserFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const browser = sorted.filter((f) => f.project.name === 'e2e');
    // The reliability files each run for minutes (load, crashes, fuzzing): longest first.
    const reliability = sorted.filter((f) => f.project.name === 'reliability');
    let rest = sorted.filter((f) => f.project.name !== 'e2e' && f.project.name !== 'reliability');
    const cached = rest.every((f) =>
      this.ctx.cache.getFileTestResults(
        `${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`,
      ),
    );
    if (!cached) {
      const first = rest.filter(heavy);
      first.sort(
        (a, b) => Number(b.project.name === 'pglite') - Number(a.project.name === 'pglite'),
      );
      rest = [...first, ...rest.filter((f) => !first.includes(f))];
    }
    return [...browser, ...reliability, ...rest];
  }
}
