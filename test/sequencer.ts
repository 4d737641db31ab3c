import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest's own order (unknown and larger files first, then the slowest by the cache), with the
 * browser journeys first of all: they are one long file, and started first they run beside the
 * other projects' files instead of after them, so the run takes about as long as its longest
 * part rather than the sum. On a 2-core CI machine with another process busy, the extra
 * runnable processes also get a larger share of the cores.
 */
export class BrowserFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const browser = sorted.filter((f) => f.project.name === 'e2e');
    return [...browser, ...sorted.filter((f) => f.project.name !== 'e2e')];
  }
}
