/** The standard milestones of a construction project, in the order they happen. */
export const STANDARD_MILESTONES = [
  { kind: 'approval', zh: '立项', en: 'Project approval' },
  { kind: 'feasibility', zh: '可研批复', en: 'Feasibility approval' },
  { kind: 'budget', zh: '概算批复', en: 'Budget approval' },
  { kind: 'permit', zh: '施工许可', en: 'Construction permit' },
  { kind: 'start', zh: '开工', en: 'Construction start' },
  { kind: 'topping_out', zh: '主体封顶', en: 'Topping-out' },
  { kind: 'completion', zh: '竣工验收', en: 'Completion acceptance' },
  { kind: 'in_use', zh: '投入使用', en: 'In use' },
] as const;

export const MILESTONE_KINDS = [
  'approval',
  'feasibility',
  'budget',
  'permit',
  'start',
  'topping_out',
  'completion',
  'in_use',
  'custom',
] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];

export function milestoneNameZh(kind: MilestoneKind, customName?: string | null): string {
  if (kind === 'custom') return customName ?? '自定义节点';
  return STANDARD_MILESTONES.find((m) => m.kind === kind)!.zh;
}

export const PROJECT_PHASES = ['preparation', 'construction', 'completed', 'in_use'] as const;
export type ProjectPhase = (typeof PROJECT_PHASES)[number];
export const PHASE_ZH: Record<ProjectPhase, string> = {
  preparation: '前期',
  construction: '在建',
  completed: '竣工',
  in_use: '投用',
};
