import type { ActionItemInput, ActivityInput } from '../contracts/coordination.ts';
import { ACTION_ITEM_ACTOR, type ActionItemAction } from '../domain/action-item-workflow.ts';
import { addDays } from '../domain/periods.ts';
import type { ProblemCategory } from '../domain/problem-workflow.ts';
import type { Ctx } from '../server/context.ts';
import type { Db } from '../server/db.ts';
import {
  answerActionItem,
  approveExtension,
  closeActionItem,
  createActionItems,
  rejectExtension,
  reportActionItemDone,
  requestExtension,
  sendBackActionItem,
} from '../server/modules/action-items/action-items.service.ts';
import {
  type ActionItemPastStep,
  recordActionItems,
} from '../server/modules/action-items/record-action-items.ts';
import { recordActivities } from '../server/modules/activities/activities.service.ts';
import { uploadAttachment } from '../server/modules/attachments/attachments.service.ts';
import { createMeeting } from '../server/modules/meetings/meetings.service.ts';
import {
  coordinateProblem,
  escalateProblem,
  raiseProblem,
  resolveProblem,
} from '../server/modules/problems/problems.service.ts';
import { CORE, DEMO_PROJECTS, type DemoProject, UNITS } from './catalog.ts';
import { type DemoShift, NO_SHIFT, shiftDate } from './demo-shift.ts';
import { minutesPdf } from './minutes-pdf.ts';
import { loadNoticesDemo } from './notices.ts';
import { loadRectificationsDemo } from './rectifications.ts';
import { loadWorkPlansDemo } from './work-plans.ts';

/**
 * The coordination loop of the demo office, through the services: H1 2023 reproduces the
 * summary's counts (6 task-force meetings resolving 21 problems and assigning 47 items; 42
 * coordination meetings with the city works bureau resolving 23 problems; 155 delegations and
 * 34 study sessions), and Q4 2024 leaves items open, answered, awaiting verification and
 * overdue, so every step of the loop can be seen. Texts are composed from lists, so a clerk does
 * not see one sentence repeated down a list.
 */
export const DEMO_COORDINATION = {
  taskForceMeetings: 6,
  taskForceResolved: [3, 4, 4, 3, 4, 3],
  taskForceItems: [7, 8, 9, 7, 8, 8],
  coordinationMeetings: 42,
  coordinationResolved: 23,
  delegations: 155,
  studySessions: 34,
} as const;

function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const at = (iso: string, hour = 10) =>
  new Date(`${iso}T${String(hour).padStart(2, '0')}:00:00+08:00`);
const maxDate = (a: string, b: string) => (a > b ? a : b);
/** Items of meetings from this day on go through the workflow one step at a time. */
const LIVE_FROM = '2024-01-01';
const CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

// ---------------------------------------------------------------- the words

const PROBLEMS: Record<ProblemCategory, string[]> = {
  land: [
    '红线范围内尚有约{n}亩用地未完成移交，施工场地无法全面展开',
    '临时用地手续办理滞后，材料堆场和生活区无法落地',
    '地块土地整备未完成，影响土石方工程进场',
    '用地规划许可证办理需补充地块权属材料',
  ],
  planning: [
    '方案设计与片区控规存在冲突，需调整地块容积率',
    '规划设计条件需随科学城总体规划同步调整',
    '市政道路竖向标高与周边地块衔接需重新论证',
  ],
  approval: [
    '施工许可证办理受阻，需补充消防设计审查意见',
    '概算评审进度滞后，影响施工招标启动',
    '环评批复尚未取得，主体工程无法开工',
    '可研报告批复需补充节能审查意见',
    '水土保持方案审批时间较长，影响开工节点',
  ],
  funding: [
    '年度资金计划缺口约{n}万元，需申请调增',
    '工程进度款支付滞后，施工单位垫资压力较大',
    '设备采购资金来源尚未明确',
  ],
  demolition: [
    '范围内{n}栋建筑物征拆补偿尚未谈妥',
    '青苗及构筑物补偿存在争议，影响场地平整',
    '涉及工业厂房搬迁，企业过渡安置方案未落实',
  ],
  utilities: [
    '红线内110kV高压线迁改未完成，影响桩基施工',
    '给水、燃气管线迁改方案尚未稳定',
    '通信光缆迁改需与三家运营商协调',
    '雨污水管道改迁与既有管网接驳方案需论证',
    '10kV电力管沟迁改需供电部门配合停电',
  ],
  construction: [
    '土方外运受限，影响基坑施工进度',
    '夜间连续浇筑需办理夜间施工许可',
    '与相邻地铁工程存在交叉作业，需协调施工界面',
    '钢结构吊装受场地限制，需占用市政道路',
    '雨季施工组织需优化，防止基坑积水',
  ],
  other: [
    '周边居民对施工噪声投诉较多，需加强沟通',
    '项目档案资料移交标准需明确',
    '跨部门联合验收流程需进一步简化',
  ],
};

const CATEGORY_ORDER: ProblemCategory[] = [
  'utilities',
  'land',
  'approval',
  'construction',
  'demolition',
  'funding',
  'planning',
  'utilities',
  'approval',
  'land',
  'other',
];

const DEPARTMENTS = [
  '区规划土地监察局',
  '区住房和建设局',
  '深圳供电局光明供电局',
  '市水务集团光明分公司',
  '区发展和改革局',
  '区城市更新和土地整备局',
  '光明街道办事处',
  '区交通运输局',
  '区财政局',
  '市生态环境局光明管理局',
  '凤凰街道办事处',
  '区应急管理局',
];

const RESOLUTIONS = [
  '{d}同意开辟绿色通道，{w}内办结',
  '经现场踏勘，{d}同意按分段实施方案推进',
  '{d}明确由其牵头办理，已出具书面意见',
  '会议明确责任分工，{d}已完成相关审批',
  '{d}同意调整方案，问题已协调解决',
  '经会商，{d}同意先行办理、后补手续',
  '{d}已落实专项资金，问题已解决',
  '{d}已组织完成交地，施工单位已进场',
];

const ESCALATIONS = [
  '涉及跨区利益协调，提请区政府常务会研究',
  '资金缺口较大，提请区领导专题研究',
  '需市相关部门支持，提请市区联动机制协调',
];

const TASKS: Record<ProblemCategory, string[]> = {
  land: ['完成剩余用地移交', '办结临时用地手续', '完成地块土地整备并交地'],
  planning: ['完成规划条件调整报批', '提交方案调整论证报告', '完成竖向设计复核'],
  approval: ['办结施工许可证', '完成概算评审', '取得环评批复', '办结水土保持方案审批'],
  funding: ['提交资金调增申请', '完成进度款支付', '明确设备采购资金来源'],
  demolition: ['完成征拆补偿协议签订', '落实企业过渡安置方案', '完成青苗补偿'],
  utilities: ['完成高压线迁改', '稳定管线迁改方案并启动施工', '完成通信光缆迁改'],
  construction: ['落实土方外运消纳场地', '办理夜间施工许可', '明确交叉作业施工界面'],
  other: ['制定周边居民沟通方案', '明确档案移交标准', '优化联合验收流程'],
};

const PROGRESS = [
  '已完成方案初稿，正与相关部门对接',
  '已召开专题会研究，正按分工推进',
  '相关材料已报送，等待审批部门出具意见',
  '已完成现场踏勘，正在细化实施方案',
  '已与责任部门对接，预计按期完成',
  '施工单位已进场，完成约六成',
];

const DONE = [
  '已按要求办结，相关批复文件已上传',
  '已完成，现场已具备施工条件',
  '事项已落实，已形成书面报告',
  '已办结，经现场核查满足要求',
  '已完成并通过相关部门验收',
];

const ORGS = [
  '中国科学院深圳先进技术研究院',
  '广东省发展和改革委员会',
  '北京怀柔科学城管委会',
  '上海张江科学城建设管理办公室',
  '合肥综合性国家科学中心',
  '香港科技大学',
  '澳门特别行政区政府经济财政司',
  '深圳市科技创新委员会',
  '东莞松山湖科学城',
  '南山区科技创新局',
  '清华大学深圳国际研究生院',
  '南方科技大学',
  '广州南沙开发区管委会',
  '西安科学园管委会',
  '天津滨海新区',
  '成都科学城管委会',
  '武汉东湖科学城',
  '中国工程院院士专家团',
  '新加坡科技研究局',
  '德国弗劳恩霍夫协会',
  '重庆西部科学城',
  '杭州城西科创大走廊',
  '雄安新区管委会',
  '福建省科学技术厅',
  '湖南湘江新区',
  '宁波甬江科创区',
  '珠海市横琴粤澳深度合作区',
  '深圳湾实验室',
  '鹏城实验室合作伙伴代表团',
  '全国人大代表调研组',
];

const VISIT_PURPOSES = [
  '调研科学城开发建设',
  '考察大科学装置集群建设',
  '交流重大项目推进机制',
  '调研科技基础设施规划',
  '考察产学研协同创新',
  '交流营商环境建设经验',
];

const STUDY_TOPICS = [
  '学习贯彻党的二十大精神',
  '重大项目全生命周期管理',
  '政府投资项目审批制度改革',
  '工程建设领域廉政风险防控',
  '固定资产投资统计制度',
  '安全生产法律法规',
  '大科学装置建设管理经验',
  '招标投标法实施条例',
  '全过程工程咨询',
  '建设项目档案管理规范',
  '习近平总书记关于科技创新的重要论述',
  '保密工作知识',
];
const STUDY_FORMS = ['理论学习中心组专题学习', '党支部专题学习', '业务专题培训', '专题学习会'];

// ---------------------------------------------------------------- the plan

type Ctxs = { coord: (iso: string) => Ctx; reporter: (unitId: number, iso: string) => Ctx };

type ItemPlan = {
  input: ActionItemInput;
  /** what happens to it afterwards */
  fate:
    | 'closed'
    | 'answered_then_closed'
    | 'extended_then_closed'
    | 'closed_late'
    | 'sent_back_then_closed'
    | 'open'
    | 'answered'
    | 'extension_requested'
    | 'reported_done';
};

export async function loadCoordinationDemo(
  db: Db,
  officeId: number,
  projectIds: Map<string, number>,
  unitIds: Map<string, number>,
  /** where the latest months of the loop land (demo-shift.ts), and the projects alive then */
  latest: { shift: DemoShift; alive: (p: DemoProject) => boolean } = {
    shift: NO_SHIFT,
    alive: () => true,
  },
): Promise<{ meetings: number; problems: number; actionItems: number; activities: number }> {
  const day = (iso: string) => shiftDate(latest.shift, iso);
  const rand = prng(20230630);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  let serial = 0;
  // Cycles through a list from a random start, so neighbours in a list never repeat a sentence.
  const cycler = <T>(list: readonly T[]) => {
    let i = Math.floor(rand() * list.length);
    return () => list[i++ % list.length]!;
  };
  const fill = (text: string) =>
    text
      .replace('{n}', String(3 + Math.floor(rand() * 40)))
      .replace('{d}', pick(DEPARTMENTS))
      .replace('{w}', pick(['一周', '两周', '10个工作日', '一个月']));

  const ctxs: Ctxs = {
    coord: (iso) => ({
      actor: { id: 'demo-coord', name: '统筹科 李明', role: 'coordinator', officeId, unitId: null },
      now: at(iso),
    }),
    reporter: (unitId, iso) => ({
      actor: {
        id: `demo-${unitId}`,
        name: `${[...unitIds].find(([, id]) => id === unitId)?.[0] ?? ''}填报员`,
        role: 'reporter',
        officeId,
        unitId,
      },
      now: at(iso, 15),
    }),
  };
  const unit = (key: keyof typeof UNITS) => unitIds.get(UNITS[key])!;
  const core = DEMO_PROJECTS.filter((p) => p.area === CORE);
  const gwsProjects = DEMO_PROJECTS.filter((p) => p.unit === UNITS.gws);
  const nextCategory = cycler(CATEGORY_ORDER);
  const problemText = new Map<ProblemCategory, () => string>(
    Object.entries(PROBLEMS).map(([k, v]) => [k as ProblemCategory, cycler(v)]),
  );
  const taskText = new Map<ProblemCategory, () => string>(
    Object.entries(TASKS).map(([k, v]) => [k as ProblemCategory, cycler(v)]),
  );
  const resolution = cycler(RESOLUTIONS);
  const progress = cycler(PROGRESS);
  const done = cycler(DONE);

  let meetingsMade = 0;
  let problemsMade = 0;
  let itemsMade = 0;

  function composeProblem(p: DemoProject) {
    const category = nextCategory();
    return { category, description: `${p.name}：${fill(problemText.get(category)!())}` };
  }

  /** Raises a problem of a project some days before `by`, resolves it there if told. */
  async function problem(
    p: DemoProject,
    raisedOn: string,
    outcome:
      | { resolveIn: { id: number; heldOn: string } }
      | { leave: 'open' | 'coordinating' | 'escalated' },
    text = composeProblem(p),
  ) {
    const { category, description } = text;
    const raised = await raiseProblem(db, ctxs.coord(raisedOn), {
      projectId: projectIds.get(p.code)!,
      category,
      description,
      raisedOn,
      raisedBy: p.unit,
      raisedByUnitId: unitIds.get(p.unit) ?? null,
    });
    problemsMade++;
    if ('resolveIn' in outcome) {
      // every third is coordinated in between, so histories differ
      if (serial++ % 3 === 0)
        await coordinateProblem(db, ctxs.coord(addDays(raisedOn, 2)), raised.id, {
          note: `已约请${pick(DEPARTMENTS)}研究`,
        });
      await resolveProblem(db, ctxs.coord(outcome.resolveIn.heldOn), raised.id, {
        resolution: fill(resolution()),
        meetingId: outcome.resolveIn.id,
      });
    } else if (outcome.leave !== 'open') {
      await coordinateProblem(db, ctxs.coord(addDays(raisedOn, 3)), raised.id, {
        note: `已约请${pick(DEPARTMENTS)}现场踏勘`,
      });
      if (outcome.leave === 'escalated')
        await escalateProblem(db, ctxs.coord(addDays(raisedOn, 20)), raised.id, {
          reason: pick(ESCALATIONS),
        });
    }
    return { category, raised };
  }

  function itemsFor(
    heldOn: string,
    count: number,
    owners: { unitId: number; project: DemoProject }[],
    fateOf: (i: number) => ItemPlan['fate'],
  ): ItemPlan[] {
    return Array.from({ length: count }, (_, i) => {
      const { unitId, project } = owners[i % owners.length]!;
      const category = CATEGORY_ORDER[(i * 5 + count) % CATEGORY_ORDER.length]!;
      const deadline = addDays(heldOn, 14 + Math.floor(rand() * 6) * 7);
      return {
        input: {
          responsibleUnitId: unitId,
          projectId: projectIds.get(project.code)!,
          content: `${deadline.slice(5, 7).replace(/^0/, '')}月${Number(deadline.slice(8))}日前${taskText.get(category)!()}（${project.name}）`,
          deadline,
          assignedOn: heldOn,
        },
        fate: fateOf(i),
      };
    });
  }

  /** Creates a meeting with minutes composed from what it did, then its items, then their fate. */
  async function meeting(
    kind: 'task_force' | 'coordination' | 'regular' | 'site_visit',
    title: string,
    heldOn: string,
    opts: {
      chair: string;
      location: string;
      units: number[];
      projects: DemoProject[];
      resolve: { project: DemoProject; raisedOn: string }[];
      items: ItemPlan[];
    },
  ) {
    const unitNames = opts.units
      .map((id) => [...unitIds].find(([, u]) => u === id)?.[0])
      .filter(Boolean);
    const paragraphs = [
      `${CN[0]}、会议听取了${unitNames.slice(0, 3).join('、') || '各责任单位'}关于${opts.projects
        .slice(0, 3)
        .map((p) => p.name)
        .join('、')}等项目推进情况的汇报。`,
    ];
    const texts = opts.resolve.map((r) => composeProblem(r.project));
    const solved = texts.map((t) => t.description.split('：')[1]!.split('，')[0]!);
    if (solved.length)
      paragraphs.push(
        `${CN[paragraphs.length]}、会议协调解决了${solved.length}个问题：${solved.join('；')}。`,
      );
    if (opts.items.length) {
      paragraphs.push(
        `${CN[paragraphs.length]}、会议明确以下交办事项：${opts.items
          .map((it, i) => `（${i + 1}）${it.input.content}`)
          .join('；')}。`,
      );
    }
    paragraphs.push(
      `${CN[paragraphs.length]}、${pick([
        '会议要求各责任单位倒排工期、挂图作战，确保按期完成。',
        '会议强调要压实主体责任，交办事项逐项跟踪、按期销号。',
        '会议要求统筹科每周调度进展，逾期事项及时提请督办。',
        '会议要求各单位加强协同，问题清单化、闭环式推进。',
      ])}`,
    );
    const m = await createMeeting(db, ctxs.coord(heldOn), {
      kind,
      title,
      heldOn,
      chair: opts.chair,
      location: opts.location,
      unitIds: opts.units,
      projectIds: opts.projects.map((p) => projectIds.get(p.code)!),
      minutes: paragraphs.join('\n\n'),
    });
    meetingsMade++;
    if (heldOn >= LIVE_FROM) {
      // the signed minutes as a file, through the same service as a real upload
      await uploadAttachment(
        db,
        ctxs.coord(heldOn),
        { parentKind: 'meeting', parentId: m.id },
        {
          bytes: minutesPdf([`Meeting minutes No. ${m.id}`, `Held on ${heldOn}`, '(demo file)']),
          filename: `${title}纪要.pdf`,
        },
      );
    }
    for (const [k, r] of opts.resolve.entries())
      await problem(r.project, r.raisedOn, { resolveIn: m }, texts[k]);
    const inputs = opts.items.map((it) => ({ ...it.input, meetingId: m.id }));
    if (heldOn < LIVE_FROM) {
      // long settled: recorded with their histories in one go, like the reports of past months
      await recordActionItems(
        db,
        ctxs.coord(heldOn),
        inputs.map((input, i) => ({
          input,
          steps: stepsFor(
            {
              responsibleUnitId: input.responsibleUnitId as number,
              assignedOn: heldOn,
              deadline: input.deadline,
            },
            opts.items[i]!.fate,
          ),
        })),
      );
    } else {
      const created = await createActionItems(db, ctxs.coord(heldOn), inputs);
      for (const [i, item] of created.entries())
        await play(item, stepsFor(item, opts.items[i]!.fate));
    }
    itemsMade += inputs.length;
    return m;
  }

  /** The unit's answers and the office's verification, on plausible days around the deadline. */
  function stepsFor(
    item: { responsibleUnitId: number; assignedOn: string; deadline: string },
    fate: ItemPlan['fate'],
  ): ActionItemPastStep[] {
    const unitName = `${[...unitIds].find(([, id]) => id === item.responsibleUnitId)?.[0] ?? ''}填报员`;
    const coordName = '统筹科 李明';
    const before = (days: number) => maxDate(item.assignedOn, addDays(item.deadline, -days));
    const steps: ActionItemPastStep[] = [];
    const unitStep = (action: ActionItemAction, on: string, rest: Partial<ActionItemPastStep>) =>
      steps.push({ action, at: at(on, 15), actor: unitName, ...rest });
    const officeStep = (action: ActionItemAction, on: string, note: string) =>
      steps.push({ action, at: at(on, 10), actor: coordName, note });
    if (fate === 'open') return steps;
    if (
      fate === 'answered' ||
      fate === 'answered_then_closed' ||
      fate === 'sent_back_then_closed'
    ) {
      unitStep('answer', before(9), { note: progress() });
      if (fate === 'answered') return steps;
    }
    if (fate === 'extension_requested' || fate === 'extended_then_closed') {
      const newDeadline = addDays(item.deadline, 21);
      unitStep('request_extension', before(4), {
        deadline: newDeadline,
        note: pick([
          '涉及多部门会签，审批时间较长',
          '受连续降雨影响，现场施工暂停',
          '征拆补偿协商尚未完成',
          '需等待上级部门批复',
        ]),
      });
      if (fate === 'extension_requested') return steps;
      officeStep('approve_extension', before(2), '同意延期，请按新期限办结');
      unitStep('report_done', addDays(newDeadline, -3), { note: done() });
      officeStep('close', addDays(newDeadline, -1), '经核实已办结，予以销号');
      return steps;
    }
    const doneOn = fate === 'closed_late' ? addDays(item.deadline, 6) : before(3);
    unitStep('report_done', doneOn, { note: done() });
    if (fate === 'reported_done') return steps;
    if (fate === 'sent_back_then_closed') {
      officeStep('send_back', addDays(doneOn, 1), '佐证材料不全，请补充批复文件后再报');
      unitStep('report_done', addDays(doneOn, 3), { note: '已补充批复文件，事项已办结' });
    }
    officeStep(
      'close',
      addDays(doneOn, 4),
      pick(['经核实已办结，予以销号', '现场核查属实，同意销号', '材料齐全，销号']),
    );
    return steps;
  }

  /** The same steps taken one by one through the workflow services, by the unit and the office. */
  async function play(
    item: { id: number; responsibleUnitId: number },
    steps: ActionItemPastStep[],
  ) {
    for (const s of steps) {
      const on = s.at;
      const ctx: Ctx =
        ACTION_ITEM_ACTOR[s.action] === 'unit'
          ? { ...ctxs.reporter(item.responsibleUnitId, '2000-01-01'), now: on }
          : { ...ctxs.coord('2000-01-01'), now: on };
      const note = s.note ?? '';
      if (s.action === 'answer') await answerActionItem(db, ctx, item.id, { progress: note });
      if (s.action === 'request_extension')
        await requestExtension(db, ctx, item.id, { deadline: s.deadline!, reason: note });
      if (s.action === 'approve_extension') await approveExtension(db, ctx, item.id, { note });
      if (s.action === 'reject_extension')
        await rejectExtension(db, ctx, item.id, { reason: note });
      if (s.action === 'report_done') await reportActionItemDone(db, ctx, item.id, { note });
      if (s.action === 'send_back') await sendBackActionItem(db, ctx, item.id, { reason: note });
      if (s.action === 'close') await closeActionItem(db, ctx, item.id, { note });
    }
  }

  const h1Fate = (i: number): ItemPlan['fate'] =>
    (
      [
        'closed',
        'answered_then_closed',
        'closed',
        'extended_then_closed',
        'closed',
        'closed_late',
        'closed',
        'sent_back_then_closed',
      ] as const
    )[i % 8]!;
  const owners = (list: DemoProject[]) =>
    list.map((p) => ({ unitId: unitIds.get(p.unit)!, project: p }));
  const rotate = <T>(list: T[], by: number) => [
    ...list.slice(by % list.length),
    ...list.slice(0, by % list.length),
  ];

  // ---- H1 2023: six task-force meetings
  const tfDates = [
    '2023-01-16',
    '2023-02-20',
    '2023-03-20',
    '2023-04-17',
    '2023-05-22',
    '2023-06-26',
  ];
  for (const [i, heldOn] of tfDates.entries()) {
    const projects = rotate(core, i * 7).slice(0, 8);
    await meeting('task_force', `光明科学城开发建设专责小组2023年第${CN[i]}次会议`, heldOn, {
      chair: pick(['区委常委、常务副区长', '区委副书记、区长', '分管副区长']),
      location: pick([
        '区政府三楼常务会议室',
        '科学城开发建设署一楼会议室',
        '区行政服务中心会议室',
      ]),
      units: [...new Set(projects.map((p) => unitIds.get(p.unit)!))],
      projects,
      resolve: Array.from({ length: DEMO_COORDINATION.taskForceResolved[i]! }, (_, k) => ({
        project: projects[k % projects.length]!,
        raisedOn: maxDate('2023-01-03', addDays(heldOn, -(10 + k * 6))),
      })),
      items: itemsFor(heldOn, DEMO_COORDINATION.taskForceItems[i]!, owners(projects), h1Fate),
    });
  }

  // ---- H1 2023: 42 coordination meetings with the city works bureau (联动机制), 23 problems solved
  const gws = unit('gws');
  for (let i = 0; i < DEMO_COORDINATION.coordinationMeetings; i++) {
    // about two a week, on working days
    let heldOn = addDays(
      '2023-01-05',
      Math.floor((i * 174) / DEMO_COORDINATION.coordinationMeetings),
    );
    const dow = new Date(`${heldOn}T00:00:00Z`).getUTCDay();
    if (dow === 0) heldOn = addDays(heldOn, 1);
    if (dow === 6) heldOn = addDays(heldOn, 2);
    const project = gwsProjects[i % gwsProjects.length]!;
    const second = gwsProjects[(i + 5) % gwsProjects.length]!;
    // exactly 23 of the 42 resolve one problem each (23 and 42 are coprime: a permutation)
    const solves =
      (i * DEMO_COORDINATION.coordinationResolved) % DEMO_COORDINATION.coordinationMeetings <
      DEMO_COORDINATION.coordinationResolved;
    await meeting('coordination', `市建筑工务署—光明区重大项目推进协调会（第${i + 1}期）`, heldOn, {
      chair: pick([
        '科学城开发建设署副署长',
        '市建筑工务署工程管理中心主任',
        '区住房和建设局副局长',
      ]),
      location: pick([
        '科学城开发建设署二楼会议室',
        `${project.name}项目部`,
        '市建筑工务署光明项目组',
      ]),
      units: [gws, ...(i % 3 === 0 ? [unit('grid')] : []), ...(i % 4 === 1 ? [unit('water')] : [])],
      projects: [project, second],
      resolve: solves
        ? [{ project, raisedOn: maxDate('2023-01-03', addDays(heldOn, -(5 + (i % 4) * 4))) }]
        : [],
      items: itemsFor(heldOn, i % 3 === 2 ? 0 : 1, owners([project]), (k) => h1Fate(i + k)),
    });
  }

  // ---- H1 2023: monthly regular meetings and site visits; they raise problems left open
  for (let month = 1; month <= 6; month++) {
    const heldOn = `2023-0${month}-0${month === 1 ? 9 : month === 4 ? 3 : 6}`;
    const projects = rotate(core, month * 11).slice(0, 5);
    await meeting('regular', `科学城开发建设署${month}月工作例会`, heldOn, {
      chair: '署长',
      location: '科学城开发建设署一楼会议室',
      units: [unit('office')],
      projects,
      resolve: [],
      items: [],
    });
  }
  for (let k = 0; k < 8; k++) {
    const p = core[(k * 9 + 4) % core.length]!;
    const heldOn = addDays('2023-01-12', k * 22);
    await meeting('site_visit', `${p.name}现场调研`, heldOn, {
      chair: pick(['区委常委、常务副区长', '科学城开发建设署署长', '分管副区长']),
      location: `${p.name}施工现场`,
      units: [unitIds.get(p.unit)!],
      projects: [p],
      resolve: [],
      items: itemsFor(heldOn, 1, owners([p]), (i) => h1Fate(i + k)),
    });
  }
  // problems still being worked on at the end of June
  for (let k = 0; k < 9; k++) {
    const p = core[(k * 13 + 2) % core.length]!;
    await problem(p, addDays('2023-05-08', k * 5), {
      leave: k < 4 ? 'coordinating' : k < 6 ? 'escalated' : 'open',
    });
  }

  // ---- Q4 2024 (or the demo's last three months): the loop in progress, on projects still
  // being built then
  const liveOf = (unitName: string) => {
    const all = DEMO_PROJECTS.filter((p) => p.unit === unitName);
    const live = all.filter(latest.alive);
    return live.length ? live : all;
  };
  const nth = <T>(list: T[], i: number) => list[i % list.length]!;
  const latestOwners = [
    { unitId: gws, project: nth(liveOf(UNITS.gws), 0) },
    { unitId: unit('qgws'), project: nth(liveOf(UNITS.qgws), 0) },
    { unitId: gws, project: nth(liveOf(UNITS.gws), 3) },
    { unitId: unit('sams'), project: nth(liveOf(UNITS.sams), 0) },
    { unitId: unit('qgws'), project: nth(liveOf(UNITS.qgws), 1) },
  ];
  const latestFates: ItemPlan['fate'][] = [
    'open',
    'answered',
    'reported_done',
    'extension_requested',
    'open',
    'closed',
    'answered',
    'open',
    'reported_done',
    'answered_then_closed',
  ];
  // Titles name the year and month they were held in, wherever the block lands.
  const year = (iso: string) => iso.slice(0, 4);
  const monthOf = (iso: string) => Number(iso.slice(5, 7));
  const latestMeetings: [
    string,
    'task_force' | 'coordination' | 'regular' | 'site_visit',
    (heldOn: string) => string,
    number,
  ][] = [
    [
      '2024-10-15',
      'coordination',
      (d) => `市建筑工务署—光明区重大项目推进协调会（${year(d)}年第38期）`,
      3,
    ],
    [
      '2024-11-12',
      'coordination',
      (d) => `市建筑工务署—光明区重大项目推进协调会（${year(d)}年第41期）`,
      3,
    ],
    ['2024-11-25', 'task_force', (d) => `光明科学城开发建设专责小组${year(d)}年第六次会议`, 6],
    ['2024-12-02', 'regular', (d) => `科学城开发建设署${monthOf(d)}月工作例会`, 0],
    [
      '2024-12-10',
      'coordination',
      (d) => `市建筑工务署—光明区重大项目推进协调会（${year(d)}年第44期）`,
      4,
    ],
    ['2024-12-18', 'site_visit', () => '科学城智慧公园现场调研', 1],
  ];
  let fateIndex = 0;
  for (const [written, kind, titled, n] of latestMeetings) {
    const heldOn = day(written);
    const title = titled(heldOn);
    const projects = latestOwners.map((o) => o.project);
    await meeting(kind, title, heldOn, {
      chair: kind === 'task_force' ? '区委常委、常务副区长' : '科学城开发建设署副署长',
      location: '科学城开发建设署二楼会议室',
      units: [...new Set(latestOwners.map((o) => o.unitId))],
      projects,
      resolve:
        kind === 'task_force' ? [{ project: projects[0]!, raisedOn: day('2024-11-04') }] : [],
      items: itemsFor(
        heldOn,
        n,
        rotate(latestOwners, fateIndex),
        () => latestFates[fateIndex++ % latestFates.length]!,
      ),
    });
  }
  for (let k = 0; k < 5; k++) {
    await problem(latestOwners[k]!.project, addDays(day('2024-11-20'), k * 6), {
      leave: k < 2 ? 'open' : k < 4 ? 'coordinating' : 'escalated',
    });
  }

  // ---- activities
  const acts: ActivityInput[] = [];
  const org = cycler(ORGS);
  const purpose = cycler(VISIT_PURPOSES);
  const spread = (from: string, days: number, n: number, k: number) =>
    addDays(from, Math.floor((k * days) / n));
  const delegation = (heldOn: string): ActivityInput => {
    const who = org();
    const headcount = 6 + Math.floor(rand() * 30);
    return {
      kind: 'delegation',
      title: `接待${who}${purpose()}`,
      heldOn,
      participants: `${who}一行${headcount}人`,
      headcount,
      notes: `参观${pick(core).name}等项目，介绍科学城规划建设情况`,
    };
  };
  const topic = cycler(STUDY_TOPICS);
  const form = cycler(STUDY_FORMS);
  const study = (heldOn: string): ActivityInput => ({
    kind: 'study',
    title: `${form()}：${topic()}`,
    heldOn,
    participants: pick([
      '署领导班子成员',
      '全体干部职工',
      '各科室负责人',
      '统筹科、工程科全体人员',
    ]),
  });
  for (let k = 0; k < DEMO_COORDINATION.delegations; k++)
    acts.push(delegation(spread('2023-01-04', 177, DEMO_COORDINATION.delegations, k)));
  for (let k = 0; k < DEMO_COORDINATION.studySessions; k++)
    acts.push(study(spread('2023-01-06', 174, DEMO_COORDINATION.studySessions, k)));
  const forums = [
    '光明科学城发展论坛',
    '大科学装置建设运营研讨会',
    '科学城建设高质量发展论坛',
    '粤港澳大湾区科技基础设施论坛',
    '智慧工地建设交流会',
  ];
  for (const [k, title] of forums.entries())
    acts.push({
      kind: 'forum',
      title,
      heldOn: spread('2023-01-20', 150, 5, k),
      participants: '相关单位代表',
    });
  const lectures = [
    '建设工程质量安全管理',
    'BIM技术在重大项目中的应用',
    '政府投资项目全过程造价控制',
    '装配式建筑技术',
    '深基坑施工风险管控',
    '绿色建筑评价标准',
    '项目管理数字化转型',
    '工程合同风险管理',
  ];
  for (const [k, title] of lectures.entries())
    acts.push({
      kind: 'lecture',
      title: `专题讲座：${title}`,
      heldOn: spread('2023-01-18', 160, 8, k),
      participants: '全署干部职工',
    });
  for (let k = 0; k < 14; k++) {
    const p = core[(k * 7 + 3) % core.length]!;
    acts.push({
      kind: 'consultation',
      title: `${p.name}${pick(['技术方案专家咨询', '基坑支护专家论证', '施工组织专家评审', '设备选型技术咨询'])}`,
      heldOn: spread('2023-01-10', 170, 14, k),
      participants: `${3 + (k % 4)}名行业专家`,
      unitId: unitIds.get(p.unit) ?? null,
    });
  }
  for (let k = 0; k < 28; k++) acts.push(delegation(spread(day('2024-10-08'), 80, 28, k)));
  for (let k = 0; k < 6; k++) acts.push(study(spread(day('2024-10-10'), 80, 6, k)));
  await recordActivities(db, ctxs.coord(day('2024-12-31')), acts);
  // ---- rectification tasks: an inspection's feedback in late 2024 (rectifications.ts)
  await loadRectificationsDemo(db, officeId, projectIds, unitIds, latest.shift, latest.alive);
  // ---- supervision notices: from red warnings, H1 2023 and the latest months (notices.ts)
  await loadNoticesDemo(db, officeId, unitIds, latest.shift);
  // ---- the Cloud Valley work plan: 6 themes, 74 items (work-plans.ts)
  await loadWorkPlansDemo(db, officeId, unitIds);

  return {
    meetings: meetingsMade,
    problems: problemsMade,
    actionItems: itemsMade,
    activities: acts.length,
  };
}
