/**
 * The database projects' set-up: one migrated database per run that every test file starts
 * from, instead of each file running initdb and every migration again (PGlite's initdb alone
 * takes seconds of a busy CI machine's core). PGlite files load a dump of it; PostgreSQL files
 * create their database with it as the template. Removed again in teardown.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from '../src/server/db.ts';
import { createScratchPgDatabase } from './scratch-pg.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** a file holding a dump (PGlite `dumpDataDir`) of a freshly migrated database */
    pgliteSnapshot: string;
    /** the name of a migrated database on the TEST_DATABASE_URL server, used as a template */
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  if (project.name === 'postgres') {
    const template = await createScratchPgDatabase('tiaodu_tpl');
    const database = await createDb({ url: template.url });
    await database.migrate();
    await database.close();
    project.provide('pgTemplate', new URL(template.url).pathname.slice(1));
    return template.drop;
  }
  const database = await createDb({ dataDir: 'memory://' });
  await database.migrate();
  if (!database.dumpDataDir) throw new Error('PGlite gives its data directory as a dump');
  const dump = await database.dumpDataDir();
  await database.close();
  const file = join(tmpdir(), `tiaodu-migrated-${process.pid}-${Date.now()}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteSnapshot', file);
  return () => rmSync(file, { force: true });
}
