import { inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db.ts';
import { users } from '../accounts/accounts.table.ts';
import { milestones } from '../milestones/milestones.table.ts';
import { investmentPlans } from '../plans/plans.table.ts';
import { projects } from '../projects/projects.table.ts';
import { monthlyReports } from '../reports/reports.table.ts';

/** One audit row as the description needs it (JSON already parsed). */
export type DescribedRow = {
  action: string;
  objectType: string | null;
  objectId: string | null;
  actorId: string | null;
  actorName: string | null;
  outcome: string;
  route: string | null;
  before: unknown;
  after: unknown;
};

/** The names an audit row's ids stand for, looked up once per page of rows. */
export type AuditNames = {
  users: Map<string, string>;
  projects: Map<number, { code: string; name: string }>;
  reports: Map<number, { projectId: number; year: number; month: number }>;
  plans: Map<number, { projectId: number; year: number }>;
  milestones: Map<number, { projectId: number; name: string }>;
};

/** A sentence in both languages: who did what to which project. */
export type AuditDescription = { zh: string; en: string };

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const num = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : null;
};
const field = (r: DescribedRow, key: string): unknown =>
  asObj(r.after)[key] ?? asObj(r.before)[key];
const ym = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/** What a report's status became, as the reviewer's verb (the transition's action or status). */
const REPORT_VERBS: Record<string, [string, string]> = {
  create: ['填写', 'drafted'],
  draft: ['填写', 'drafted'],
  submit: ['提交', 'submitted'],
  submitted: ['提交', 'submitted'],
  approve: ['审核通过', 'approved'],
  approved: ['审核通过', 'approved'],
  return: ['退回', 'returned'],
  returned: ['退回', 'returned'],
  edit: ['修改', 'edited'],
  withdraw: ['撤回', 'withdrew'],
  import: ['导入', 'imported'],
};

/** Table names as the office calls them. */
const TABLES: Record<string, [string, string]> = {
  projects: ['项目', 'project'],
  monthly_reports: ['月报', 'monthly report'],
  report_transitions: ['月报', 'monthly report'],
  report_photos: ['月报现场照片', 'site photo of a monthly report'],
  investment_plans: ['年度计划', 'annual plan'],
  plan_revisions: ['年度计划', 'annual plan'],
  milestones: ['节点', 'milestone'],
  milestone_changes: ['节点', 'milestone'],
  warning_events: ['预警', 'warning'],
  warning_settings: ['预警阈值', 'warning thresholds'],
  units: ['单位', 'unit'],
  areas: ['片区', 'area'],
  categories: ['类别', 'category'],
  offices: ['办公室', 'office'],
  action_items: ['交办事项', 'action item'],
  action_item_events: ['交办事项', 'action item'],
  problems: ['问题', 'problem'],
  problem_events: ['问题', 'problem'],
  meetings: ['会议', 'meeting'],
  meeting_problems: ['会议', 'meeting'],
  meeting_projects: ['会议', 'meeting'],
  meeting_units: ['会议', 'meeting'],
  activities: ['活动', 'activity'],
  rectifications: ['整改任务', 'rectification task'],
  rectification_events: ['整改任务', 'rectification task'],
  supervision_notices: ['督办单', 'supervision notice'],
  supervision_notice_events: ['督办单', 'supervision notice'],
  notice_settings: ['督办单设置', 'supervision notice settings'],
  notice_counters: ['督办单编号', 'supervision notice numbering'],
  work_plans: ['工作方案', 'work plan'],
  work_plan_themes: ['工作方案', 'work plan'],
  work_plan_items: ['工作方案任务', 'work plan item'],
  work_plan_item_projects: ['工作方案任务', 'work plan item'],
  attachments: ['附件', 'attachment'],
  summaries: ['工作总结', 'work summary'],
  summary_versions: ['工作总结', 'work summary'],
};

const OPS: Record<string, [string, string]> = {
  insert: ['新增', 'created'],
  update: ['修改', 'changed'],
  delete: ['删除', 'deleted'],
};

/** Actions recorded by the services themselves (not row captures). */
const ACTIONS: Record<string, [string, string]> = {
  'auth.login': ['登录', 'signed in'],
  'auth.lockout': ['账号被锁定', 'account locked'],
  'auth.password_change': ['修改密码', 'changed the password'],
  'auth.password_rehash': ['更新密码存储', 're-hashed the password'],
  'auth.session_end': ['退出登录', 'signed out'],
  'auth.totp_enroll': ['开始绑定动态口令', 'started TOTP enrolment'],
  'auth.totp_confirm': ['绑定动态口令', 'confirmed TOTP'],
  'user.create': ['新建用户', 'created user'],
  'user.update': ['修改用户', 'changed user'],
  'user.disable': ['停用用户', 'disabled user'],
  'user.unlock': ['解锁用户', 'unlocked user'],
  'user.reset_password': ['重置密码', 'reset the password of'],
  'user.reset_totp': ['重置动态口令', 'reset the TOTP of'],
  'user.role_change': ['修改角色', 'changed the role of'],
  'security.settings_update': ['修改安全设置', 'changed the security settings'],
  'audit.search': ['查询审计日志', 'searched the audit log'],
  'audit.export': ['导出审计日志', 'exported the audit log'],
  import: ['导入工作簿', 'imported a workbook'],
};

/** Routes whose calls are recorded as a plain request, in words. */
const ROUTES: [RegExp, string, string][] = [
  [/^POST \/api\/imports$/, '导入工作簿', 'imported a workbook'],
  [/^POST \/api\/reports\/:id\/photos$/, '上传现场照片', 'uploaded a site photo'],
  [/^POST \/api\/reports\/:id\/(approve|return|submit)$/, '处理月报', 'acted on a monthly report'],
  [/^(POST|PATCH|PUT) \/api\/projects/, '修改项目', 'changed a project'],
];

function projectLabel(names: AuditNames, projectId: number | null): string | null {
  if (projectId === null) return null;
  const p = names.projects.get(projectId);
  return p ? `${p.code} ${p.name}` : null;
}

/** The project a row belongs to, and the period or object within it, in both languages. */
function target(r: DescribedRow, names: AuditNames): { zh: string; en: string } | null {
  const id = num(r.objectId);
  const table = r.objectType ?? '';
  if (table === 'projects') {
    const code = field(r, 'code');
    const name = field(r, 'name');
    const label = projectLabel(names, id) ?? ([code, name].filter(Boolean).join(' ') || null);
    return label ? { zh: label, en: label } : null;
  }
  if (table === 'monthly_reports' || table === 'report_transitions') {
    const reportId = table === 'monthly_reports' ? id : num(field(r, 'report_id'));
    const report = reportId === null ? undefined : names.reports.get(reportId);
    const projectId = report?.projectId ?? num(field(r, 'project_id'));
    const year = report?.year ?? num(field(r, 'year'));
    const month = report?.month ?? num(field(r, 'month'));
    const project = projectLabel(names, projectId) ?? '';
    const period = year && month ? ym(year, month) : '';
    return {
      zh: `${project} ${period} 月报`.replace(/\s+/g, ' ').trim(),
      en: `the ${period} monthly report of ${project}`.replace(/\s+/g, ' ').trim(),
    };
  }
  if (table === 'investment_plans' || table === 'plan_revisions') {
    const planId = table === 'investment_plans' ? id : num(field(r, 'plan_id'));
    const plan = planId === null ? undefined : names.plans.get(planId);
    const projectId = plan?.projectId ?? num(field(r, 'project_id'));
    const year = plan?.year ?? num(field(r, 'year'));
    const project = projectLabel(names, projectId) ?? '';
    return {
      zh: `${project} ${year ?? ''}年度计划`.trim(),
      en: `the ${year ?? ''} annual plan of ${project}`.replace(/\s+/g, ' ').trim(),
    };
  }
  if (table === 'milestones' || table === 'milestone_changes') {
    const msId = table === 'milestones' ? id : num(field(r, 'milestone_id'));
    const ms = msId === null ? undefined : names.milestones.get(msId);
    const project = projectLabel(names, ms?.projectId ?? num(field(r, 'project_id'))) ?? '';
    const name = ms?.name ?? (field(r, 'name') as string | undefined) ?? '';
    return {
      zh: `${project} 节点“${name}”`.trim(),
      en: `milestone "${name}" of ${project}`.trim(),
    };
  }
  const projectId = num(field(r, 'project_id'));
  const project = projectLabel(names, projectId);
  const year = num(field(r, 'year'));
  const month = num(field(r, 'month'));
  const period = year && month ? ` ${ym(year, month)}` : '';
  if (project) return { zh: `${project}${period}`, en: `${project}${period}` };
  const name = field(r, 'name') ?? field(r, 'title');
  if (typeof name === 'string') return { zh: `“${name}”`, en: `"${name}"` };
  return null;
}

/** The user an id or user name stands for, by their display name when known. */
function userName(names: AuditNames, id: string | null): string | null {
  if (id === null) return null;
  return names.users.get(id) ?? null;
}

/**
 * Who did what to which project, in Chinese and English ("张三 审核通过 KXC-028 … 2023-06 月报"),
 * from the row alone plus the names its ids stand for: the log keeps its internal codes for the
 * chain and the CSV, people read this.
 */
export function describeAudit(r: DescribedRow, names: AuditNames): AuditDescription {
  const who = r.actorName ?? userName(names, r.actorId) ?? r.actorId;
  const whoZh = who ?? '系统';
  const whoEn = who ?? 'the system';
  const failed = r.outcome === 'failure';
  const tail = (s: AuditDescription): AuditDescription =>
    failed ? { zh: `${s.zh}（未成功）`, en: `${s.en} (failed)` } : s;

  const known = ACTIONS[r.action];
  if (known) {
    const obj =
      r.action.startsWith('user.') || r.action === 'auth.lockout'
        ? (userName(names, r.objectId) ?? (r.objectId ? String(r.objectId) : ''))
        : '';
    return tail({
      zh: `${whoZh} ${known[0]}${obj ? ` ${obj}` : ''}`,
      en: `${whoEn} ${known[1]}${obj ? ` ${obj}` : ''}`,
    });
  }
  if (r.action === 'request') {
    const route = r.route ?? '';
    // A call that changed no row (a refused or previewed import, a failed save) still reads
    // as what the person tried, where the route says it plainly.
    const tried = ROUTES.find(([re]) => re.test(route));
    if (tried) return tail({ zh: `${whoZh} ${tried[1]}`, en: `${whoEn} ${tried[2]}` });
    return tail({
      zh: `${whoZh} 操作 ${route}`.trim(),
      en: `${whoEn} called ${route}`.trim(),
    });
  }
  const [table, op] = r.action.split('.') as [string, string | undefined];
  const noun = TABLES[table] ?? [table, table];
  const obj = target(r, names);
  // A report's step (submit, approve, return…) reads as the reviewer's verb, not "changed".
  let verb = op ? OPS[op] : undefined;
  if (table === 'report_transitions') verb = REPORT_VERBS[String(field(r, 'action'))] ?? verb;
  if (table === 'monthly_reports' && op !== 'delete') {
    const status = asObj(r.after).status;
    if (typeof status === 'string') verb = REPORT_VERBS[status] ?? verb;
  }
  const [vZh, vEn] = verb ?? [op ?? '', op ?? ''];
  const isReport = table === 'monthly_reports' || table === 'report_transitions';
  const objZh = obj?.zh ?? noun[0];
  const objEn = obj?.en ?? noun[1];
  // Reports, plans and milestones already name their kind in the object; others get the noun.
  const namesKind =
    isReport ||
    table.startsWith('investment') ||
    table.startsWith('plan') ||
    table.startsWith('milestone');
  return tail({
    zh: `${whoZh} ${vZh}${namesKind || !obj ? '' : noun[0]} ${objZh}`.replace(/\s+/g, ' '),
    en: `${whoEn} ${vEn} ${namesKind || !obj ? '' : `${noun[1]} `}${objEn}`.replace(/\s+/g, ' '),
  });
}

/** Looks up, in one query per kind, the names the rows' ids stand for. */
export async function loadAuditNames(
  db: Db,
  officeId: number,
  rows: DescribedRow[],
): Promise<AuditNames> {
  const userKeys = new Set<string>();
  const projectIds = new Set<number>();
  const reportIds = new Set<number>();
  const planIds = new Set<number>();
  const milestoneIds = new Set<number>();
  for (const r of rows) {
    if (r.actorId) userKeys.add(r.actorId);
    const id = num(r.objectId);
    if (r.objectType === 'user' && r.objectId) userKeys.add(r.objectId);
    const pid = num(field(r, 'project_id'));
    if (pid !== null) projectIds.add(pid);
    if (r.objectType === 'projects' && id !== null) projectIds.add(id);
    if (r.objectType === 'monthly_reports' && id !== null) reportIds.add(id);
    const rid = num(field(r, 'report_id'));
    if (rid !== null) reportIds.add(rid);
    if (r.objectType === 'investment_plans' && id !== null) planIds.add(id);
    const plid = num(field(r, 'plan_id'));
    if (plid !== null) planIds.add(plid);
    if (r.objectType === 'milestones' && id !== null) milestoneIds.add(id);
    const mid = num(field(r, 'milestone_id'));
    if (mid !== null) milestoneIds.add(mid);
  }
  const names: AuditNames = {
    users: new Map(),
    projects: new Map(),
    reports: new Map(),
    plans: new Map(),
    milestones: new Map(),
  };
  const userIds = [...userKeys].map(num).filter((n): n is number => n !== null);
  if (userKeys.size > 0) {
    const found = await db
      .select({ id: users.id, username: users.username, name: users.displayName })
      .from(users)
      .where(
        sql`${users.officeId} = ${officeId} and ${or(
          inArray(users.username, [...userKeys]),
          userIds.length > 0 ? inArray(users.id, userIds) : sql`false`,
        )}`,
      );
    for (const u of found) {
      names.users.set(String(u.id), u.name);
      names.users.set(u.username, u.name);
    }
  }
  if (reportIds.size > 0) {
    const found = await db
      .select({
        id: monthlyReports.id,
        projectId: monthlyReports.projectId,
        year: monthlyReports.year,
        month: monthlyReports.month,
      })
      .from(monthlyReports)
      .where(inArray(monthlyReports.id, [...reportIds]));
    for (const r of found) {
      names.reports.set(r.id, r);
      projectIds.add(r.projectId);
    }
  }
  if (planIds.size > 0) {
    const found = await db
      .select({
        id: investmentPlans.id,
        projectId: investmentPlans.projectId,
        year: investmentPlans.year,
      })
      .from(investmentPlans)
      .where(inArray(investmentPlans.id, [...planIds]));
    for (const p of found) {
      names.plans.set(p.id, p);
      projectIds.add(p.projectId);
    }
  }
  if (milestoneIds.size > 0) {
    const found = await db
      .select({ id: milestones.id, projectId: milestones.projectId, name: milestones.name })
      .from(milestones)
      .where(inArray(milestones.id, [...milestoneIds]));
    for (const m of found) {
      names.milestones.set(m.id, m);
      projectIds.add(m.projectId);
    }
  }
  if (projectIds.size > 0) {
    const found = await db
      .select({ id: projects.id, code: projects.code, name: projects.name })
      .from(projects)
      .where(sql`${projects.officeId} = ${officeId} and ${inArray(projects.id, [...projectIds])}`);
    for (const p of found) names.projects.set(p.id, { code: p.code, name: p.name });
  }
  return names;
}
