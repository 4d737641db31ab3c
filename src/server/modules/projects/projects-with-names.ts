import { eq } from 'drizzle-orm';
import type { PgSelectBase, SelectedFields } from 'drizzle-orm/pg-core';
import type { Db } from '../../db.ts';
import { units } from '../units/units.table.ts';
import { areas, categories, projects } from './projects.table.ts';

/** The names a project's ids resolve to, for a selection beside projects' own columns. */
export const projectNames = {
  areaName: areas.name,
  categoryName: categories.name,
  ownerUnitName: units.name,
};

/** A project's columns as the ledger workbook has them (export and import read the same). */
export const ledgerFields = {
  id: projects.id,
  code: projects.code,
  name: projects.name,
  area: areas.name,
  category: categories.name,
  ownerUnit: units.name,
  tags: projects.tags,
  phase: projects.phase,
  totalInvestment: projects.totalInvestment,
  plannedStart: projects.plannedStart,
  plannedFinish: projects.plannedFinish,
  remarks: projects.remarks,
};

type NamesNullability = {
  projects: 'not-null';
  areas: 'nullable';
  categories: 'nullable';
  units: 'nullable';
};

/** What projectsWithNames answers: a select of `fields`, to go on with `.where()`, `.orderBy()`. */
export type ProjectsWithNames<S extends SelectedFields> = PgSelectBase<
  'projects',
  S,
  'partial',
  NamesNullability
>;

/**
 * Projects with their area, category and owner unit joined (each may be missing), so a list, a
 * filter on those names (projectFilterSql) or an order by area reads the same four-table join
 * written once. Select what the caller needs; add `.where()` / `.orderBy()` after.
 */
export function projectsWithNames<S extends SelectedFields>(
  db: Db,
  fields: S,
): ProjectsWithNames<S> {
  // the chain's type is spelled out: drizzle's types cannot follow joins on a generic selection
  const query = db
    .select(fields as SelectedFields)
    .from(projects)
    .leftJoin(areas, eq(areas.id, projects.areaId))
    .leftJoin(categories, eq(categories.id, projects.categoryId))
    .leftJoin(units, eq(units.id, projects.ownerUnitId));
  return query as unknown as ProjectsWithNames<S>;
}
