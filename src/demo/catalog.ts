/**
 * The demo office's projects: real-sounding Guangming projects, with the part each plays in the
 * seed's figures. Amount weights are relative within their area; the loader scales them so the
 * area totals match the seed exactly.
 */
export type DemoRole =
  /** on schedule all year */
  | 'green'
  /** investment 80–100% of the timing target at 2023-06 */
  | 'lagging'
  /** investment below 80% at 2023-06 */
  | 'behind'
  /** a milestone 1–30 days late at 2023-06 */
  | 'slipping'
  /** a milestone more than 30 days late at 2023-06 */
  | 'stalled'
  /** computed red at 2023-06, overridden to yellow by the coordinator with a reason */
  | 'overridden';

export type DemoProject = {
  code: string;
  name: string;
  area: string;
  category: string;
  unit: string;
  tags: string[];
  phase: 'preparation' | 'construction' | 'completed' | 'in_use';
  weight: number;
  role: DemoRole;
  start: string;
  finish: string;
  location: string;
  progressText?: string;
};

export const OFFICE_NAME = '光明区科学城开发建设署';
export const CORE = '光明科学城核心片区';
export const CLOUD = '光明云谷片区';
export const METRO = '地铁六号线光明段';
export const CLUSTER = '科技创新集群';
export const AREAS = [CORE, CLOUD, METRO, CLUSTER];

export const UNITS = {
  gws: '市建筑工务署',
  qgws: '区建筑工务署',
  office: '光明区科学城开发建设署',
  sams: '深圳医学科学院',
  pcl: '鹏城实验室',
  sysu: '中山大学',
  suat: '深圳理工大学',
  grid: '深圳供电局',
  water: '光明区水务局',
  transport: '光明区交通运输局',
  urban: '光明区城市管理和综合执法局',
  invest: '光明科学城投资发展有限公司',
} as const;

const six = ['六重'];
const sixCity = ['六重', '市投市建'];
const city = ['市投市建'];
const district = ['区投'];

type Row = [
  name: string,
  category: string,
  unit: keyof typeof UNITS,
  tags: string[],
  phase: DemoProject['phase'],
  weight: number,
  role: DemoRole,
  start: string,
  finish: string,
];

// 37 six-key projects, all in the core area: 31 on schedule, 2 supervised, 4 needing attention.
const CORE_ROWS: Row[] = [
  ['深圳医学科学院永久场地（首期）', '科研平台', 'sams', six, 'construction', 9, 'green', '2022-06-30', '2026-12-31'],
  ['深圳中能高重复频率X射线自由电子激光', '大科学装置', 'office', six, 'preparation', 8, 'overridden', '2023-04-30', '2029-12-31'],
  ['国家超级计算深圳中心二期', '大科学装置', 'qgws', six, 'construction', 7, 'lagging', '2022-09-30', '2025-12-31'],
  ['综合粒子设施研究院综合楼', '科研平台', 'qgws', six, 'construction', 3, 'slipping', '2021-03-31', '2023-06-15'],
  ['鹏城云脑Ⅲ土建工程', '大科学装置', 'pcl', six, 'construction', 8, 'behind', '2023-01-15', '2026-06-30'],
  ['材料科学园土建工程', '科研平台', 'qgws', six, 'preparation', 2, 'stalled', '2023-12-31', '2027-06-30'],
  ['材料基因组大科学装置平台过渡场地', '科研平台', 'qgws', six, 'construction', 2, 'green', '2022-08-31', '2023-10-31'],
  ['新永丰工业园过渡场地', '科研平台', 'qgws', six, 'construction', 2, 'lagging', '2022-11-30', '2024-03-31'],
  ['科学城一号道路', '市政道路', 'transport', six, 'completed', 2, 'green', '2021-06-30', '2023-03-31'],
  ['110kV光明迁改工程', '电力设施', 'grid', six, 'completed', 1, 'green', '2022-03-31', '2023-04-30'],
  ['科学城二号变电站', '电力设施', 'grid', six, 'construction', 2, 'green', '2022-10-31', '2024-06-30'],
  ['大科学装置集群给水加压泵站', '给排水设施', 'water', six, 'construction', 1, 'green', '2022-12-31', '2023-12-31'],
  ['市中医院光明院区一期', '医疗卫生', 'gws', sixCity, 'construction', 6, 'green', '2020-12-31', '2023-12-31'],
  ['中山大学深圳校区', '高等院校', 'gws', sixCity, 'completed', 4, 'green', '2018-12-31', '2023-06-30'],
  ['深圳理工大学', '高等院校', 'gws', sixCity, 'construction', 9, 'green', '2021-12-31', '2025-08-31'],
  ['中山大学附属第七医院二期', '医疗卫生', 'gws', sixCity, 'construction', 6, 'green', '2021-11-30', '2025-06-30'],
  ['深圳科技馆（新馆）', '公共文化', 'gws', sixCity, 'construction', 6, 'green', '2021-09-30', '2024-06-30'],
  ['中国计量科学研究院深圳创新研究院', '科研平台', 'gws', sixCity, 'preparation', 2, 'green', '2023-10-31', '2026-12-31'],
  ['深圳市药品检验研究院光明分院', '科研平台', 'gws', sixCity, 'preparation', 1, 'green', '2023-12-31', '2026-06-30'],
  ['卫光生命科学园科研场地', '科研平台', 'sams', six, 'construction', 3, 'green', '2022-12-31', '2024-06-30'],
  ['光明生命科学园', '产业园区', 'invest', six, 'construction', 5, 'green', '2021-12-31', '2024-12-31'],
  ['科学家谷启动区', '城市更新', 'invest', six, 'preparation', 3, 'green', '2023-09-30', '2027-12-31'],
  ['科学公馆', '人才住房', 'invest', six, 'preparation', 2, 'green', '2023-11-30', '2026-12-31'],
  ['合成生物研究重大科技基础设施', '大科学装置', 'qgws', six, 'completed', 3, 'green', '2020-06-30', '2023-05-31'],
  ['脑解析与脑模拟重大科技基础设施', '大科学装置', 'qgws', six, 'completed', 3, 'green', '2020-06-30', '2023-05-31'],
  ['精准医学影像大设施', '大科学装置', 'qgws', six, 'construction', 4, 'green', '2021-12-31', '2024-12-31'],
  ['光明科学城启动区综合服务中心', '公共配套', 'qgws', six, 'construction', 2, 'green', '2022-06-30', '2024-06-30'],
  ['科学城二道路', '市政道路', 'transport', six, 'preparation', 1, 'green', '2023-11-30', '2025-06-30'],
  ['科学城一号变电站场平工程', '电力设施', 'grid', six, 'preparation', 1, 'green', '2023-12-31', '2024-12-31'],
  ['光明科学城装置集群人才住房', '人才住房', 'qgws', six, 'construction', 4, 'green', '2022-03-31', '2024-12-31'],
  ['大科学装置集群公共配套工程', '公共配套', 'qgws', six, 'construction', 3, 'green', '2022-09-30', '2024-09-30'],
  ['左岸科技公园二期', '公园绿地', 'urban', six, 'construction', 2, 'green', '2022-12-31', '2024-06-30'],
  ['光明科学城中心区市政道路工程', '市政道路', 'transport', six, 'construction', 3, 'green', '2022-05-31', '2024-12-31'],
  ['深圳湾实验室光明科研基地', '科研平台', 'qgws', six, 'construction', 4, 'green', '2022-07-31', '2025-03-31'],
  ['光明科学城科技金融中心', '产业园区', 'invest', six, 'construction', 3, 'green', '2022-04-30', '2025-06-30'],
  ['国际量子研究院光明园区', '科研平台', 'qgws', six, 'construction', 3, 'green', '2022-10-31', '2025-10-31'],
  ['光明科学城北部综合管廊', '市政管网', 'qgws', six, 'construction', 2, 'green', '2022-08-31', '2024-08-31'],
  // 22 more core-area projects; five of them city-invested, so 12 in all.
  ['市中医院光明院区二期', '医疗卫生', 'gws', city, 'preparation', 2, 'green', '2023-10-31', '2027-06-30'],
  ['深圳理工大学学生公寓', '高等院校', 'gws', city, 'construction', 2, 'green', '2022-09-30', '2024-08-31'],
  ['中大附七二期配套道路', '市政道路', 'gws', city, 'construction', 1, 'green', '2022-11-30', '2023-12-31'],
  ['光明科学城体育中心', '公共文化', 'gws', city, 'construction', 3, 'green', '2022-05-31', '2024-12-31'],
  ['光明科学城水质净化厂提标拓能', '给排水设施', 'gws', city, 'construction', 2, 'green', '2022-12-31', '2024-10-31'],
  ['科学城第一学校', '教育设施', 'qgws', district, 'construction', 2, 'green', '2022-06-30', '2024-08-31'],
  ['科学城第二学校', '教育设施', 'qgws', district, 'construction', 2, 'green', '2022-09-30', '2024-08-31'],
  ['光明科学城九年一贯制学校', '教育设施', 'qgws', district, 'preparation', 1, 'green', '2023-12-31', '2025-08-31'],
  ['科学城社康中心（一期）', '医疗卫生', 'qgws', district, 'construction', 1, 'green', '2023-01-31', '2024-03-31'],
  ['光明科学城人才公寓三期', '人才住房', 'qgws', district, 'construction', 3, 'lagging', '2022-10-31', '2025-04-30'],
  ['光明大道科学城段改造', '市政道路', 'transport', district, 'construction', 2, 'green', '2022-07-31', '2024-06-30'],
  ['科学城东西向连接线', '市政道路', 'transport', district, 'construction', 2, 'green', '2022-12-31', '2025-06-30'],
  ['茅洲河科学城段碧道', '公园绿地', 'water', district, 'construction', 1, 'green', '2022-10-31', '2023-12-31'],
  ['科学城雨污分流管网工程', '市政管网', 'water', district, 'construction', 1, 'green', '2022-11-30', '2024-04-30'],
  ['科学城220kV输变电工程', '电力设施', 'grid', district, 'construction', 2, 'green', '2022-09-30', '2024-09-30'],
  ['光明科学城展示中心改造', '公共文化', 'office', district, 'completed', 1, 'green', '2022-12-31', '2023-04-30'],
  ['科学城智慧交通示范工程', '信息化', 'transport', district, 'construction', 1, 'green', '2023-02-28', '2024-02-29'],
  ['科学城公共停车楼', '公共配套', 'qgws', district, 'construction', 1, 'green', '2022-12-31', '2024-06-30'],
  ['光明科学城应急指挥中心', '公共配套', 'qgws', district, 'construction', 1, 'green', '2023-03-31', '2024-09-30'],
  ['科学城边坡综合治理工程', '生态修复', 'water', district, 'construction', 1, 'green', '2022-12-31', '2024-06-30'],
  ['科学城产业配套宿舍', '人才住房', 'invest', district, 'construction', 2, 'green', '2022-08-31', '2024-12-31'],
  ['光明科学城数据中心', '信息化', 'invest', district, 'construction', 2, 'green', '2022-12-31', '2024-12-31'],
];

const CLOUD_ROWS: Row[] = [
  ['科学城智慧公园', '公园绿地', 'urban', district, 'construction', 3, 'green', '2022-03-31', '2023-09-30'],
  ['光明云谷一期', '产业园区', 'invest', district, 'in_use', 6, 'green', '2020-06-30', '2022-12-31'],
  ['光明云谷二期', '产业园区', 'invest', district, 'preparation', 8, 'green', '2023-09-30', '2026-12-31'],
  ...Array.from({ length: 22 }, (_, i): Row => [
    `云谷片区规划${['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八', '十九', '二十', '二十一', '二十二'][i]}路`,
    '市政道路',
    'transport',
    district,
    'construction',
    1,
    i === 6 || i === 15 ? 'lagging' : 'green',
    '2022-12-31',
    '2023-12-31',
  ]),
];

const OTHER_ROWS: [string, Row][] = [
  [METRO, ['地铁六号线光明段沿线景观提升工程', '公园绿地', 'urban', district, 'preparation', 2, 'green', '2023-12-31', '2025-12-31']],
  [METRO, ['六号线科学城站接驳设施', '市政道路', 'transport', district, 'construction', 1, 'green', '2022-12-31', '2024-06-30']],
  [CLUSTER, ['科技创新集群启动区土地整备', '土地整备', 'office', district, 'preparation', 3, 'behind', '2023-06-30', '2025-12-31']],
  [CLUSTER, ['科技创新集群孵化器', '产业园区', 'invest', district, 'construction', 2, 'green', '2022-09-30', '2024-12-31']],
  [CLUSTER, ['科技创新集群配套道路', '市政道路', 'transport', district, 'construction', 1, 'green', '2022-12-31', '2024-06-30']],
];

function build(area: string, prefix: string, rows: Row[], offset = 0): DemoProject[] {
  return rows.map(([name, category, unit, tags, phase, weight, role, start, finish], i) => ({
    code: `${prefix}-${String(i + 1 + offset).padStart(3, '0')}`,
    name,
    area,
    category,
    unit: UNITS[unit],
    tags,
    phase,
    weight,
    role,
    start,
    finish,
    location: `深圳市光明区${area.replace('光明', '')}`,
  }));
}

export const DEMO_PROJECTS: DemoProject[] = [
  ...build(CORE, 'KXC', CORE_ROWS),
  ...build(CLOUD, 'YG', CLOUD_ROWS),
  ...OTHER_ROWS.map(([area, row], i) => build(area, area === METRO ? 'DT6' : 'JQ', [row], i)[0]),
];

/** The seed's figures the demo reproduces, in 万元. */
export const SEED = {
  coreAnnualTarget: '2088000.00',
  coreActualH1: '1049100.00',
  cityActualJanMay: '162000.00',
  /** 162000 ÷ 1.4: the start-of-year timing target for Jan–May that 16.2亿 is 40% above */
  cityInitialTimingMay: '115714.29',
  otherAreaAnnual: { [CLOUD]: '386000.00', [METRO]: '18000.00', [CLUSTER]: '52000.00' } as Record<string, string>,
};
