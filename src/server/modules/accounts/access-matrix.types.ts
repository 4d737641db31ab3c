/**
 * The route × role × unit matrix's words (access-matrix.test.ts and its per-module rows): who
 * calls, the request each prepares, the status each must get. Unit A's records are the targets;
 * reporterB is a reporter of another unit.
 */
export type Who =
  | 'anonymous'
  | 'coordinator'
  | 'leader'
  | 'reporterA'
  | 'reporterB'
  | 'sysadmin'
  | 'secadmin'
  | 'auditadmin';
export type Expect = Record<Who, number>;
export type MatrixRequest = { url: string; payload?: unknown; headers?: Record<string, string> };
export type Spec<R extends MatrixRequest = MatrixRequest> = {
  prepare: (who: Who) => Promise<R>;
  expect: Expect;
};
