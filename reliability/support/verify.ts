/**
 * What must hold of an office's data after load, a crash or a restore, whatever happened on
 * the way: the roll-ups and stored levels equal a fresh computation, every report is in a state
 * its workflow can reach and says so consistently, the audit chain is whole, no row change is
 * left half-moved into it, and the audit log's last word on each report is the report as it is.
 * Each check returns what is wrong, in words, so a failing test shows it.
 */
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../src/server/db.ts';
import { verifyAuditChain } from '../../src/server/modules/audit/audit.service.ts';
import { verifyRollups } from '../../src/server/modules/dispatch/rollups.service.ts';

export async function problemsIn(db: Db, officeId: number): Promise<string[]> {
  const problems: string[] = [];
  const rollups = await verifyRollups(db, officeId);
  problems.push(...rollups.differences.map((d) => `roll-up: ${d}`));

  const chain = await verifyAuditChain(db, { officeId });
  if (!chain.ok) problems.push(`audit chain broken: ${JSON.stringify(chain.firstBroken)}`);

  const pending = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from audit_pending`,
  );
  if (pending[0].n > 0) problems.push(`${pending[0].n} row changes left in audit_pending`);

  // A status the workflow can reach, with the time stamps that status implies, and the same
  // status as the report's last recorded transition.
  const illegal = await queryRows<{ id: number; status: string; why: string }>(
    db,
    sql`select r.id, r.status,
          case
            when r.status not in ('draft', 'submitted', 'returned', 'approved') then 'unknown status'
            when r.status in ('submitted', 'approved') and r.submitted_at is null then 'no submitted_at'
            when r.status in ('approved', 'returned') and r.reviewed_at is null then 'no reviewed_at'
            when t.to_status is not null and t.to_status <> r.status
              then 'last transition says ' || t.to_status
            when t.to_status is null and r.status <> 'draft' and r.source = 'form'
              then 'no transition to ' || r.status
          end as why
        from monthly_reports r
        left join lateral (
          select to_status from report_transitions x where x.report_id = r.id
          order by x.id desc limit 1
        ) t on true
        where r.office_id = ${officeId}`,
  );
  for (const r of illegal) if (r.why) problems.push(`report ${r.id} (${r.status}): ${r.why}`);

  // The audit log's latest after-image of each report is the report as stored.
  const unaudited = await queryRows<{ id: number; status: string; audited: string | null }>(
    db,
    sql`select r.id, r.status, a.after::jsonb ->> 'status' as audited
        from monthly_reports r
        left join lateral (
          select after from audit_log l
          where l.office_id = r.office_id and l.object_type = 'monthly_reports'
            and l.object_id = r.id::text and l.after is not null
            -- an update records the fields it changed: the last one that changed the status
            and l.after::jsonb ? 'status'
          order by l.seq desc limit 1
        ) a on true
        where r.office_id = ${officeId}
          and (a.after is null or (a.after::jsonb ->> 'status') is distinct from r.status)`,
  );
  for (const r of unaudited) {
    problems.push(`report ${r.id} is ${r.status} but the audit log says ${r.audited ?? 'nothing'}`);
  }
  return problems;
}
