import type { RectificationAction } from '../domain/rectification-workflow.ts';
import { RECTIFICATION_ACTOR } from '../domain/rectification-workflow.ts';
import type { Ctx } from '../server/context.ts';
import type { Db } from '../server/db.ts';
import {
  answerRectification,
  closeRectification,
  createRectifications,
  reportRectificationDone,
  sendBackRectification,
} from '../server/modules/rectifications/rectifications.service.ts';
import { DEMO_PROJECTS, type DemoProject, UNITS } from './catalog.ts';
import { type DemoShift, NO_SHIFT, shiftDate, shiftText } from './demo-shift.ts';

/**
 * The demo's rectification tasks: one round of inspection feedback to the office in late 2024,
 * twelve findings spread over the office and the owner units, played through the services step
 * by step. By the end of 2024 most are closed, one awaits verification, two are in progress,
 * one is not yet answered, and one is past its deadline, so every state of the loop shows.
 */
export const rectificationSource = (year: number) =>
  `${year}年区委第二巡察组对科学城开发建设署巡察反馈意见`;
export const DEMO_RECTIFICATION_SOURCE = rectificationSource(2024);
const ISSUED_ON = '2024-08-26';

type Step = [action: RectificationAction, on: string, text: string];
type Task = {
  unit: keyof typeof UNITS;
  /** link the unit's first (or n-th) demo project */
  project?: number;
  finding: string;
  measures: string;
  deadline: string;
  steps: Step[];
};

const TASKS: Task[] = [
  {
    unit: 'office',
    finding: '重大项目前期工作统筹不够有力，部分项目从立项到开工周期偏长',
    measures:
      '建立前期工作“一项目一专班”机制，按月通报立项、可研、概算等前期节点，滞后项目纳入预警',
    deadline: '2024-10-31',
    steps: [
      ['answer', '2024-09-12', '已印发前期工作专班工作方案，17个前期项目明确专班负责人'],
      [
        'report_done',
        '2024-10-25',
        '专班机制已运行两个月，9月、10月前期节点通报已印发（附通报文件）',
      ],
      ['close', '2024-10-30', '经核查，专班台账和月度通报齐全，同意销号'],
    ],
  },
  {
    unit: 'office',
    finding: '交办事项跟踪督办不到位，个别事项超期未办结且未及时预警',
    measures: '将交办事项纳入调度平台管理，逾期自动提醒，每周例会通报超期事项',
    deadline: '2024-09-30',
    steps: [
      [
        'report_done',
        '2024-09-24',
        '交办事项已全部录入调度平台，逾期提醒已启用，9月起例会逐项通报',
      ],
      ['close', '2024-09-27', '平台运行正常，抽查3项超期事项均已通报，予以销号'],
    ],
  },
  {
    unit: 'qgws',
    project: 0,
    finding: '工程变更管理不规范，部分设计变更先实施后审批',
    measures: '修订工程变更管理办法，对已实施未审批的变更逐项补办手续并追究相关责任',
    deadline: '2024-11-30',
    steps: [
      ['answer', '2024-09-20', '已完成在建项目变更情况排查，梳理出先实施后审批变更7项'],
      ['report_done', '2024-11-08', '变更管理办法已修订印发，7项变更已补办审批'],
      ['send_back', '2024-11-12', '未附变更审批文件及责任追究材料，请补充后再报'],
      ['report_done', '2024-11-22', '已补充7项变更审批表及2名责任人的约谈记录'],
      ['close', '2024-11-27', '材料齐全，整改到位，同意销号'],
    ],
  },
  {
    unit: 'qgws',
    project: 1,
    finding: '施工合同履约监管不严，个别项目项目经理、总监长期不在岗',
    measures: '开展关键岗位人员到岗履职专项检查，建立考勤抽查和违约扣分台账',
    deadline: '2025-02-28',
    steps: [],
  },
  {
    unit: 'gws',
    finding: '工程进度款支付审核链条较长，存在拖欠施工单位进度款风险',
    measures: '压缩进度款审核时限至15个工作日，建立支付台账按月对账',
    deadline: '2024-10-31',
    steps: [
      ['answer', '2024-09-18', '已梳理进度款审核流程，拟取消重复的二次审核环节'],
      ['report_done', '2024-10-29', '新审核流程已执行，10月支付平均用时12个工作日（附支付台账）'],
      ['close', '2024-11-01', '抽查支付台账属实，同意销号'],
    ],
  },
  {
    unit: 'gws',
    project: 0,
    finding: '参建单位安全生产主体责任落实不到位，隐患整改闭环不及时',
    measures: '实行隐患清单化管理，重大隐患挂牌督办，每月开展一次联合安全检查',
    deadline: '2025-03-31',
    steps: [
      ['answer', '2024-10-15', '已建立隐患整改清单，10月联合检查发现隐患23处，已整改19处'],
      [
        'answer',
        '2024-12-10',
        '11月、12月联合检查已开展，累计隐患整改率95%，剩余2处涉及高支模方案调整',
      ],
    ],
  },
  {
    unit: 'invest',
    finding: '政府投资项目概算控制不严，个别项目超概算未及时报批调整',
    measures: '建立概算执行动态监测，超概算5%以上的项目及时报批调整',
    deadline: '2024-12-15',
    steps: [
      ['answer', '2024-10-08', '已对12个在建项目开展概算执行复核，2个项目需报批概算调整'],
      ['report_done', '2024-12-05', '2个项目概算调整已报区发展和改革局批复（附批复文件）'],
      ['close', '2024-12-09', '批复文件核实无误，予以销号'],
    ],
  },
  {
    unit: 'water',
    finding: '管线迁改协调机制不健全，迁改滞后影响项目施工进度',
    measures: '建立管线迁改联席会议制度，每两周召开一次，迁改事项纳入交办清单',
    deadline: '2024-10-31',
    steps: [
      ['report_done', '2024-10-18', '联席会议制度已建立，已召开4次，协调迁改事项11项'],
      ['close', '2024-10-22', '会议纪要齐全，机制运行有效，同意销号'],
    ],
  },
  {
    unit: 'transport',
    finding: '道路项目交通疏解方案落实不到位，施工期间周边拥堵投诉较多',
    measures: '逐项目复核交通疏解方案，增设临时诱导标志，高峰时段安排专人疏导',
    deadline: '2024-11-15',
    steps: [
      ['answer', '2024-09-30', '已完成5个道路项目交通疏解方案复核，增设诱导标志46块'],
      ['report_done', '2024-11-10', '高峰时段疏导已常态化，10月相关投诉较9月下降60%'],
      ['close', '2024-11-14', '现场核查属实，同意销号'],
    ],
  },
  {
    unit: 'urban',
    finding: '施工扬尘和余泥渣土管控不严，个别工地未落实“六个百分百”',
    measures: '开展工地扬尘专项整治，对不达标工地约谈并纳入信用评价',
    deadline: '2024-12-31',
    steps: [
      ['answer', '2024-10-20', '已检查在建工地31个，约谈不达标工地4个'],
      [
        'report_done',
        '2024-12-20',
        '专项整治已完成，4个工地复查达标，已纳入信用评价（附复查记录）',
      ],
    ],
  },
  {
    unit: 'office',
    finding: '项目档案管理不规范，部分竣工项目资料归集滞后',
    measures: '制定项目档案归集清单，竣工验收后3个月内完成档案移交',
    deadline: '2024-12-31',
    steps: [
      ['answer', '2024-10-10', '档案归集清单已制定，正在对近三年竣工项目逐一核查'],
      ['report_done', '2024-12-16', '8个竣工项目档案已全部归集移交区城建档案馆'],
      ['close', '2024-12-19', '档案馆接收证明已核实，予以销号'],
    ],
  },
  {
    unit: 'gws',
    finding: '招标代理机构管理不严，廉政风险防控措施落实不到位',
    measures: '建立招标代理机构履约评价制度，开展廉政风险点排查并制定防控措施',
    deadline: '2024-12-15',
    steps: [
      ['answer', '2024-11-20', '廉政风险点排查已完成，共梳理风险点26个，防控措施正在征求意见'],
    ],
  },
];

const at = (iso: string, hour: number) =>
  new Date(`${iso}T${String(hour).padStart(2, '0')}:00:00+08:00`);

export async function loadRectificationsDemo(
  db: Db,
  officeId: number,
  projectIds: Map<string, number>,
  unitIds: Map<string, number>,
  shift: DemoShift = NO_SHIFT,
  alive: (p: DemoProject) => boolean = () => true,
): Promise<{ rectifications: number }> {
  const day = (iso: string) => shiftDate(shift, iso);
  const issuedOn = day(ISSUED_ON);
  const coord = (iso: string): Ctx => ({
    actor: { id: 'demo-coord', name: '统筹科 李明', role: 'coordinator', officeId, unitId: null },
    now: at(iso, 10),
  });
  const reporter = (unit: keyof typeof UNITS, iso: string): Ctx => ({
    actor: {
      id: `demo-${unitIds.get(UNITS[unit])}`,
      name: `${UNITS[unit]}填报员`,
      role: 'reporter',
      officeId,
      unitId: unitIds.get(UNITS[unit])!,
    },
    now: at(iso, 15),
  });
  const projectOf = (unit: keyof typeof UNITS, n: number | undefined) => {
    if (n === undefined) return null;
    const p = DEMO_PROJECTS.filter((d) => d.unit === UNITS[unit] && alive(d))[n];
    return p ? (projectIds.get(p.code) ?? null) : null;
  };
  const created = await createRectifications(
    db,
    coord(issuedOn),
    TASKS.map((task) => ({
      source: 'inspection' as const,
      sourceName: rectificationSource(Number(issuedOn.slice(0, 4))),
      finding: task.finding,
      measures: task.measures,
      responsibleUnitId: unitIds.get(UNITS[task.unit])!,
      projectId: projectOf(task.unit, task.project),
      issuedOn,
      deadline: day(task.deadline),
    })),
  );
  for (const [i, task] of TASKS.entries()) {
    const id = created[i]!.id;
    for (const [action, written, writtenText] of task.steps) {
      const on = day(written);
      const text = shiftText(shift, writtenText);
      const ctx = RECTIFICATION_ACTOR[action] === 'unit' ? reporter(task.unit, on) : coord(on);
      if (action === 'answer') await answerRectification(db, ctx, id, { progress: text });
      if (action === 'report_done') await reportRectificationDone(db, ctx, id, { evidence: text });
      if (action === 'send_back') await sendBackRectification(db, ctx, id, { reason: text });
      if (action === 'close') await closeRectification(db, ctx, id, { note: text });
    }
  }
  return { rectifications: created.length };
}
