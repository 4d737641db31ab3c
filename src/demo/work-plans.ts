import type { Ctx } from '../server/context.ts';
import type { Db } from '../server/db.ts';
import { ensureArea } from '../server/modules/projects/projects.service.ts';
import {
  createWorkPlanItem,
  updateWorkPlanProgress,
} from '../server/modules/work-plans/work-plan-items.service.ts';
import { createWorkPlan } from '../server/modules/work-plans/work-plans.service.ts';
import { CLOUD, DEMO_PROJECTS, UNITS } from './catalog.ts';

/**
 * The Cloud Valley work plan (光明云谷片区开发建设工作方案) of the seed: "围绕规划体系优化、创新资源
 * 集聚等六方面，细化项目74个，按照清单化、数据化、责任化原则铺排任务分工". Six themes, 74 items
 * over the office and the owner units, played through the services: most early items done on
 * time, some late, and in the demo's last months a few past their deadline still under way.
 */
export const DEMO_WORK_PLAN = {
  name: '光明云谷片区开发建设工作方案（2023—2024年）',
  year: 2023,
  themes: 6,
  items: 74,
} as const;

type UnitKey = keyof typeof UNITS;
/** done: on that day; progress: a note on that day, still under way; none: not started */
type Fate = { done: string; note: string } | { progress: string; note: string } | null;
type Item = [content: string, unit: UnitKey, deadline: string, fate: Fate, projects?: string[]];

const done = (on: string, note: string): Fate => ({ done: on, note });
const going = (on: string, note: string): Fate => ({ progress: on, note });

const road = (n: string) => `云谷片区规划${n}路`;

const THEMES: [string, Item[]][] = [
  [
    '规划体系优化',
    [
      [
        '完成光明云谷片区法定图则局部调整并报批',
        'office',
        '2023-06',
        done('2023-06-20', '市规划委已审议通过'),
      ],
      [
        '编制片区城市设计导则，明确重点地块建筑界面与公共空间',
        'office',
        '2023-09',
        done('2023-09-12', '导则已印发'),
      ],
      [
        '形成片区城市营造策略指导性建设方案',
        'office',
        '2023-08-31',
        done('2023-08-25', '成果已在片区建设中运用'),
      ],
      ['完成片区综合交通专项规划编制', 'transport', '2023-10', done('2023-10-30', '专家评审通过')],
      [
        '完成片区市政管线综合规划修编',
        'water',
        '2023-11',
        done('2023-12-08', '较计划晚一周完成评审'),
      ],
      [
        '开展片区地下空间开发利用专题研究',
        'office',
        '2023-12',
        done('2023-12-22', '研究报告已定稿'),
      ],
      ['完成片区海绵城市建设专项规划', 'water', '2024-03', done('2024-03-18', '已报区政府备案')],
      ['编制片区年度土地整备计划', 'office', '2024-02-29', done('2024-02-27', '计划已下达')],
      [
        '开展片区产业空间需求摸底并形成用地供应清单',
        'invest',
        '2024-06',
        done('2024-06-26', '清单列明地块17宗'),
      ],
      [
        '完成片区公共服务设施配置评估',
        'office',
        '2024-10',
        going('2024-10-28', '评估报告初稿已形成，正在征求教育、卫健部门意见'),
      ],
    ],
  ],
  [
    '创新资源集聚',
    [
      [
        '引进人工智能、生物医药领域研发机构不少于5家',
        'invest',
        '2023-12',
        done('2023-12-15', '已引进7家'),
      ],
      [
        '建成云谷一期科技企业孵化器并投入运营',
        'invest',
        '2023-09',
        done('2023-08-30', '已入驻企业26家'),
      ],
      ['组织片区产学研对接活动不少于6场', 'office', '2023-12', done('2023-11-28', '全年已举办8场')],
      ['推动中山大学在片区设立成果转化中心', 'sysu', '2024-06', done('2024-05-20', '中心已揭牌')],
      [
        '与深圳理工大学共建联合实验室2个',
        'suat',
        '2024-09',
        done('2024-09-10', '两个联合实验室协议已签署'),
      ],
      [
        '搭建片区科技成果转化公共服务平台',
        'invest',
        '2024-03',
        done('2024-04-12', '平台上线，较计划延后'),
      ],
      [
        '引进高层次人才团队不少于10个',
        'invest',
        '2024-12',
        going('2024-11-30', '已引进8个团队，2个正在洽谈'),
      ],
      ['建设片区共享仪器设备平台', 'pcl', '2024-06', done('2024-06-28', '首批38台设备开放共享')],
      [
        '举办光明云谷创新创业大赛',
        'invest',
        '2023-11',
        done('2023-11-18', '决赛已举办，12个项目落地'),
      ],
      [
        '建立片区重点企业“一企一策”服务清单',
        'office',
        '2023-08',
        done('2023-08-10', '首批32家企业纳入服务'),
      ],
      [
        '推动鹏城实验室配套研发用房在片区落地',
        'pcl',
        '2024-11',
        going('2024-11-15', '选址已确定，租赁协议在审'),
      ],
      ['建成片区人才公寓服务中心', 'urban', '2024-08', done('2024-08-20', '已开放申请')],
    ],
  ],
  [
    '空间保障攻坚',
    [
      ['完成片区一期范围土地征收补偿', 'office', '2023-07', done('2023-07-25', '补偿协议全部签订')],
      [
        '完成新永丰工业园过渡场地清租腾退',
        'invest',
        '2023-09',
        done('2023-10-16', '清租完成，较计划晚半月'),
      ],
      ['完成云谷二期项目用地出让', 'office', '2023-08', done('2023-08-29', '土地已挂牌出让')],
      [
        '完成片区历史遗留违建拆除3.2万平方米',
        'urban',
        '2023-12',
        done('2023-12-20', '拆除3.5万平方米'),
      ],
      ['推进片区城市更新单元计划立项', 'office', '2024-03', done('2024-03-29', '已列入区年度计划')],
      [
        '完成规划三路、规划五路沿线青苗及地上物补偿',
        'office',
        '2023-10',
        done('2023-10-27', '补偿款已发放'),
      ],
      [
        '完成片区110kV线路迁改工程用地协调',
        'grid',
        '2024-02',
        done('2024-02-23', '用地预审已取得'),
      ],
      [
        '解决规划十二路与既有工业厂房用地冲突',
        'office',
        '2024-05',
        done('2024-06-14', '协调会议纪要已落实'),
      ],
      ['完成片区二期范围房屋查丈', 'office', '2024-08', done('2024-08-30', '查丈面积12.6万平方米')],
      [
        '完成片区临时用地复垦与移交',
        'urban',
        '2024-10',
        going('2024-10-31', '已复垦60%，剩余地块待施工单位撤场'),
      ],
      [
        '落实云谷片区教育用地储备2宗',
        'office',
        '2024-06',
        done('2024-06-21', '两宗用地已纳入储备'),
      ],
      [
        '推进片区集体用地统筹利用试点',
        'office',
        '2024-12',
        going('2024-12-10', '试点方案已报区政府审定'),
      ],
      ['完成片区地块土壤污染状况调查', 'water', '2024-04', done('2024-04-26', '调查报告通过评审')],
    ],
  ],
  [
    '市政道路贯通',
    [
      [`${road('一')}主线贯通`, 'qgws', '2023-06', done('2023-06-28', '已通车'), [road('一')]],
      [
        `${road('二')}完成路面施工`,
        'qgws',
        '2023-09',
        done('2023-09-22', '沥青面层已摊铺'),
        [road('二')],
      ],
      [
        `${road('三')}完成管线入廊`,
        'qgws',
        '2023-08',
        done('2023-08-30', '综合管廊验收通过'),
        [road('三')],
      ],
      [
        `${road('四')}与光明大道交叉口改造完工`,
        'transport',
        '2023-10',
        done('2023-11-06', '交叉口已开放，较计划晚一周'),
        [road('四')],
      ],
      [
        `${road('五')}完成路基填筑`,
        'qgws',
        '2023-07',
        done('2023-07-20', '路基填筑全部完成'),
        [road('五')],
      ],
      [
        `${road('六')}雨污水管网完工`,
        'water',
        '2023-12',
        done('2023-12-26', '闭水试验合格'),
        [road('六')],
      ],
      [
        `${road('七')}完成征地后进场施工`,
        'qgws',
        '2024-06',
        going('2024-06-25', '受征拆影响，剩余300米未进场'),
        [road('七')],
      ],
      [
        `${road('八')}人行道及绿化完工`,
        'urban',
        '2024-03',
        done('2024-03-15', '人行道铺装和行道树种植完成'),
        [road('八')],
      ],
      [
        `${road('九')}照明工程完工`,
        'urban',
        '2024-04',
        done('2024-04-22', '路灯已亮灯'),
        [road('九')],
      ],
      [
        `${road('十')}跨河桥梁主体完工`,
        'qgws',
        '2024-05',
        done('2024-05-30', '桥梁主体合龙'),
        [road('十')],
      ],
      [
        `${road('十一')}交通设施施划`,
        'transport',
        '2024-06',
        done('2024-06-18', '标线标志已完善'),
        [road('十一')],
      ],
      [
        `${road('十二')}10kV电缆迁改`,
        'grid',
        '2024-08',
        done('2024-09-05', '电缆迁改完成'),
        [road('十二')],
      ],
      [
        `${road('十三')}完成竣工验收`,
        'qgws',
        '2024-09-30',
        done('2024-09-26', '五方验收通过'),
        [road('十三')],
      ],
      [
        `${road('十六')}主线通车`,
        'qgws',
        '2024-10',
        going('2024-10-30', '剩余管线迁改制约，预计推迟至明年一季度'),
        [road('十六')],
      ],
      [
        '片区22条规划道路年底前完工',
        'qgws',
        '2024-12',
        going('2024-12-20', '已完工19条，3条受征拆和迁改影响'),
      ],
      [
        '建成片区智慧交通信号控制系统',
        'transport',
        '2024-11',
        going('2024-11-20', '设备安装完成70%，联调尚未开始'),
      ],
    ],
  ],
  [
    '公共配套完善',
    [
      [
        '建成云谷片区九年一贯制学校并开学',
        'qgws',
        '2023-09-01',
        done('2023-08-28', '秋季学期如期开学'),
      ],
      [
        '开工建设片区社区健康服务中心',
        'qgws',
        '2023-11',
        done('2023-11-20', '已取得施工许可并进场'),
      ],
      ['建成片区公交首末站1座', 'transport', '2024-03', done('2024-03-26', '已投入使用')],
      ['开通片区至地铁站接驳公交线路3条', 'transport', '2023-10', done('2023-10-08', '已开通4条')],
      [
        '完成科学城智慧公园主体施工',
        'urban',
        '2023-12',
        done('2023-12-28', '施工进度已达93%，主体完成'),
        ['科学城智慧公园'],
      ],
      ['建成片区给水加压泵站', 'water', '2024-06', done('2024-07-10', '泵站通水，较计划晚10天')],
      ['建成片区10kV开关站2座', 'grid', '2024-04', done('2024-04-19', '两座开关站投运')],
      ['建成片区党群服务中心', 'office', '2024-05', done('2024-05-28', '已开放服务')],
      [
        '建设片区人才住房不少于800套',
        'invest',
        '2024-12',
        going('2024-12-05', '主体封顶，精装修施工中'),
      ],
      ['建成片区垃圾转运站', 'urban', '2024-09', going('2024-10-15', '设备调试未完成，已超期')],
      ['推进片区幼儿园建设2所', 'qgws', '2024-08', done('2024-08-26', '两所幼儿园完成竣工验收')],
      ['建设片区5G基站全覆盖', 'grid', '2023-12', done('2023-12-12', '新建基站46座')],
    ],
  ],
  [
    '城市营造与运营',
    [
      [
        '云谷一期商圈引入品牌商业不少于30家',
        'invest',
        '2023-12',
        done('2023-12-18', '已引入35家'),
        ['光明云谷一期'],
      ],
      [
        '云谷二期项目9月开工',
        'invest',
        '2023-09-30',
        done('2023-09-26', '已开工'),
        ['光明云谷二期'],
      ],
      ['实施片区重要节点景观提升工程', 'urban', '2024-05', done('2024-05-24', '三处节点景观完工')],
      [
        '建立片区建设运营“指挥部+专班”工作机制',
        'office',
        '2023-06',
        done('2023-06-15', '指挥部已挂牌运作'),
      ],
      [
        '制定片区物业及公共空间运营管理办法',
        'office',
        '2024-03',
        done('2024-04-08', '办法印发，晚于计划一周'),
      ],
      [
        '打造片区慢行系统及绿道网络',
        'urban',
        '2024-11',
        going('2024-11-28', '绿道完成12公里，剩余5公里待征地'),
      ],
      ['举办云谷片区城市开放日活动', 'invest', '2024-10', done('2024-10-19', '接待市民2000余人次')],
      [
        '建成片区城市运行管理数字化平台',
        'office',
        '2024-12',
        going('2024-12-16', '平台一期上线，二期功能开发中'),
      ],
      ['推进片区夜间经济街区建设', 'invest', '2025-06', null],
      ['完成片区户外广告与招牌设置规划', 'urban', '2025-03', null],
      ['开展片区建设成效评估', 'office', '2025-06', null],
    ],
  ],
];

const at = (iso: string, hour = 10) =>
  new Date(`${iso}T${String(hour).padStart(2, '0')}:00:00+08:00`);

export async function loadWorkPlansDemo(
  db: Db,
  officeId: number,
  unitIds: Map<string, number>,
): Promise<{ workPlans: number; workPlanItems: number }> {
  const coord = (iso: string): Ctx => ({
    actor: { id: 'demo-coord', name: '统筹科 李明', role: 'coordinator', officeId, unitId: null },
    now: at(iso),
  });
  const unitId = (k: UnitKey) => unitIds.get(UNITS[k])!;
  /** the office's own items are updated by the office; the others by their unit */
  const updater = (k: UnitKey, iso: string): Ctx =>
    k === 'office'
      ? coord(iso)
      : {
          actor: {
            id: `demo-${unitId(k)}`,
            name: `${UNITS[k]}填报员`,
            role: 'reporter',
            officeId,
            unitId: unitId(k),
          },
          now: at(iso, 15),
        };
  const codeOf = (name: string) => DEMO_PROJECTS.find((p) => p.name === name)?.code;

  const area = await ensureArea(db, coord('2023-04-20'), CLOUD);
  const plan = await createWorkPlan(db, coord('2023-04-20'), {
    name: DEMO_WORK_PLAN.name,
    areaId: area.row.id,
    year: DEMO_WORK_PLAN.year,
    themes: THEMES.map(([name]) => name),
  });
  const made: { id: number; unit: UnitKey; deadline: string; fate: Fate }[] = [];
  for (const [t, [, items]] of THEMES.entries()) {
    for (const [content, unit, deadline, fate, projects = []] of items) {
      const item = await createWorkPlanItem(db, coord('2023-04-20'), plan.id, {
        themeId: plan.themeList[t]!.id,
        content,
        responsibleUnitId: unitId(unit),
        deadline,
        projectCodes: projects.map(codeOf).filter((c): c is string => c !== undefined),
      });
      made.push({ id: item.id, unit, deadline, fate });
    }
  }
  // Each item is finished, or left under way with its latest note, on its own date.
  for (const m of made) {
    if (!m.fate) continue;
    const isDone = 'done' in m.fate;
    await updateWorkPlanProgress(
      db,
      updater(
        m.unit,
        isDone ? (m.fate as { done: string }).done : (m.fate as { progress: string }).progress,
      ),
      m.id,
      { status: isDone ? 'done' : 'in_progress', progress: m.fate.note, version: 1 },
    );
  }
  return { workPlans: 1, workPlanItems: made.length };
}
