import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/test-app.ts';
import { operationIdOf } from './openapi.ts';

const run = promisify(execFile);

it('names each operation after its method and path', () => {
  expect(operationIdOf('GET', '/api/projects/:code/plans/:year')).toBe(
    'getProjectsByCodePlansByYear',
  );
  expect(operationIdOf('POST', '/api/supervision-notices/from-warning')).toBe(
    'postSupervisionNoticesFromWarning',
  );
});

// The document does not depend on the engine: checked once, on PGlite.
describe.skipIf(process.env.TIAODU_TEST_DB === 'postgres')('the OpenAPI document', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let dir: string;
  beforeAll(async () => {
    t = await createTestApp();
    dir = await mkdtemp(join(tmpdir(), 'tiaodu-openapi-'));
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("passes redocly's recommended rules with no error and no warning", async () => {
    const res = await t.app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const file = join(dir, 'openapi.json');
    await writeFile(file, res.body);
    const { stdout } = await run(
      join(import.meta.dirname, '../../node_modules/.bin/redocly'),
      ['lint', file, '--format=json', '--max-problems=1000'],
      { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
    ).catch((e: { stdout: string }) => e);
    const problems = (
      JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
        problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
      }
    ).problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
  });

  it('asks for the session everywhere but on the public routes', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json() as {
      security: unknown;
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(doc.security).toEqual([{ session: [] }]);
    expect(doc.paths['/api/auth/login']!.post!.security).toEqual([]);
    expect(doc.paths['/api/projects']!.get!.security).toBeUndefined();
  });
});
