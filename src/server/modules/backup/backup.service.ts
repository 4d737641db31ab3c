import { once } from 'node:events';
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db.ts';
import { disableDemoAccounts } from '../accounts/demo-accounts.service.ts';

/**
 * The format written: a header line, one line per row, and a closing line with the row count,
 * so a file cut short (a download interrupted at a line's end) is refused, never restored as a
 * smaller database. Version 1 (no closing line) is still read.
 */
export const FORMAT = 'tiaodu-backup-2';
const READABLE = new Set(['tiaodu-backup-1', FORMAT]);

/**
 * Tables derived from the others (levels.table.ts): left out of a backup, rebuilt on first read
 * after a restore, so a restore never carries a cache computed under other inputs.
 */
const DERIVED = new Set(['project_month_levels', 'project_standing_versions', 'group_month_sums']);

/**
 * Every application table of the public schema, parents before children (by foreign keys), so
 * a restore can insert in this order and a backup reads in it.
 */
export async function tablesInOrder(db: Db): Promise<string[]> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const edges = await queryRows<{ child: string; parent: string }>(
    db,
    sql`select tc.table_name as child, ccu.table_name as parent
        from information_schema.table_constraints tc
        join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name
        where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public'`,
  );
  const names = tables
    .map((t) => t.name)
    .filter((n) => !n.startsWith('__drizzle') && !DERIVED.has(n));
  const ordered: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name) || path.has(name)) return;
    path.add(name);
    for (const e of edges) if (e.child === name && e.parent !== name) visit(e.parent, path);
    ordered.push(name);
  };
  for (const n of names) visit(n, new Set());
  return ordered;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const ident = (name: string) => sql.raw(quote(name));

/** A table's primary-key columns in key order (empty when it has none). */
async function primaryKey(db: Db, table: string): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select a.attname as name
        from pg_index i
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])
        where i.indrelid = ${`public."${table}"`}::regclass and i.indisprimary
        order by array_position(i.indkey::int2[], a.attnum)`,
  );
  return rows.map((r) => r.name);
}

/** Rows fetched from the cursor at a time: bounded memory, few round trips. */
const BATCH = 5000;

/**
 * Writes the whole database, as one consistent snapshot, line by line to `write`: every table is
 * read inside one REPEATABLE READ READ ONLY transaction, so a write committed while the backup
 * runs is in it entirely or not at all (a table-by-table read could pair a report with roll-ups
 * and audit rows of another moment: a backup of a state that never existed). Each table streams
 * through a cursor in primary-key order (parents before children in a self-referencing table),
 * linear in its size. Rows leave the database as JSON text made by PostgreSQL itself, so numeric
 * amounts never pass through a JavaScript number. On PGlite, one connection, every other query
 * waits until this returns: give it a fast `write` (a file), not a network client.
 */
export async function writeBackup(
  db: Db,
  write: (line: string) => Promise<void> | void,
): Promise<{ tables: number; rows: number }> {
  return db.transaction(
    async (t) => {
      const tx = t as unknown as Db;
      const tables = await tablesInOrder(tx);
      await write(JSON.stringify({ format: FORMAT, tables, createdAt: new Date().toISOString() }));
      let rows = 0;
      for (const table of tables) {
        const key = await primaryKey(tx, table);
        const order = sql.raw(key.length > 0 ? ` order by ${key.map(quote).join(', ')}` : '');
        await tx.execute(
          sql`declare tiaodu_backup no scroll cursor for
              select row_to_json(t)::text as j from ${ident(table)} t${order}`,
        );
        for (;;) {
          const batch = await queryRows<{ j: string }>(
            tx,
            sql.raw(`fetch forward ${BATCH} from tiaodu_backup`),
          );
          for (const r of batch) await write(`{"t":${JSON.stringify(table)},"r":${r.j}}`);
          rows += batch.length;
          if (batch.length < BATCH) break;
        }
        await tx.execute(sql`close tiaodu_backup`);
      }
      await write(JSON.stringify({ end: true, tables: tables.length, rows }));
      return { tables: tables.length, rows };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/**
 * Writes the backup to `file`. It is written under a temporary name and renamed when complete,
 * so a backup that failed half-way never leaves a file that looks like one.
 */
export async function backupDatabase(
  db: Db,
  file: string,
): Promise<{ tables: number; rows: number }> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {});
  try {
    const result = await Promise.race([
      writeBackup(db, async (line) => {
        if (!out.write(`${line}\n`)) await Promise.race([once(out, 'drain'), failed]);
      }),
      failed,
    ]);
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
    renameSync(partial, file);
    return result;
  } catch (e) {
    out.destroy();
    rmSync(partial, { force: true });
    throw e;
  }
}

/**
 * Loads a backup into a freshly migrated, empty database, in one transaction: all or nothing.
 * Identity columns keep their values and their sequences continue after the highest one.
 * Into a production installation, the demo accounts the backup carries (published password)
 * arrive disabled, their sessions ended, and are answered so the operator is told.
 */
export async function restoreDatabase(
  db: Db,
  file: string,
  opts: { production?: boolean } = {},
): Promise<{ tables: number; rows: number; demoDisabled: string[] }> {
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  const byTable = new Map<string, string[]>();
  let header: { format?: string } | null = null;
  let trailer: { rows?: number } | null = null;
  let count = 0;
  for await (const line of lines) {
    if (!line.trim()) continue;
    if (!header) {
      try {
        header = JSON.parse(line);
      } catch {
        header = null;
      }
      if (!READABLE.has(String(header?.format)))
        throw new Error(`不是 Tiaodu 备份文件 / not a Tiaodu backup: ${file}`);
      continue;
    }
    if (trailer)
      throw new Error(`备份文件结束行之后还有内容 / lines after the end of the backup: ${file}`);
    if (line.startsWith('{"end":')) {
      trailer = JSON.parse(line);
      continue;
    }
    count++;
    // Only the table name is parsed here; the row stays JSON text for PostgreSQL to read.
    const m = /^\{"t":("(?:[^"\\]|\\.)*"),"r":(.*)\}$/.exec(line);
    if (!m) throw new Error(`备份文件格式错误 / malformed backup line: ${line.slice(0, 80)}`);
    const table = JSON.parse(m[1]) as string;
    const list = byTable.get(table) ?? [];
    list.push(m[2]);
    byTable.set(table, list);
  }
  if (!header) throw new Error(`备份文件为空 / empty backup: ${file}`);
  if (header.format === FORMAT && trailer?.rows !== count) {
    throw new Error(
      `备份文件不完整（可能下载中断）/ the backup is incomplete (an interrupted download?): ${file} holds ${count} rows${trailer ? `, its end says ${trailer.rows}` : ' and no end line'}`,
    );
  }
  const tables = await tablesInOrder(db);
  for (const t of byTable.keys()) {
    if (!tables.includes(t))
      throw new Error(`备份中的表“${t}”在当前数据库中不存在 / unknown table ${t}; migrate first`);
  }
  let rows = 0;
  let demoDisabled: string[] = [];
  await db.transaction(async (tx) => {
    for (const table of tables) {
      const [{ n }] = await queryRows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from ${ident(table)}`,
      );
      // The only rows a fresh installation has are its default office, which the backup replaces.
      if (n > 0 && table !== 'offices') {
        throw new Error(`目标数据库不是空的（${table} 有 ${n} 行）/ target database is not empty`);
      }
    }
    if (byTable.has('offices')) await tx.execute(sql`delete from offices`);
    for (const table of tables) {
      const list = byTable.get(table) ?? [];
      for (let i = 0; i < list.length; i += 2000) {
        const json = `[${list.slice(i, i + 2000).join(',')}]`;
        await tx.execute(
          sql`insert into ${ident(table)} overriding system value
              select * from json_populate_recordset(null::${ident(table)}, ${json}::json)`,
        );
      }
      rows += list.length;
      const identity = await queryRows<{ column_name: string }>(
        tx,
        sql`select column_name from information_schema.columns
            where table_schema = 'public' and table_name = ${table} and is_identity = 'YES'`,
      );
      for (const { column_name } of identity) {
        await tx.execute(
          sql`select setval(pg_get_serial_sequence(${`public."${table}"`}, ${column_name}),
                 coalesce((select max(${ident(column_name)}) from ${ident(table)}), 0) + 1, false)`,
        );
      }
    }
    if (opts.production) {
      demoDisabled = await disableDemoAccounts(tx, new Date(), 'restore_into_production');
    }
  });
  return { tables: byTable.size, rows, demoDisabled };
}
