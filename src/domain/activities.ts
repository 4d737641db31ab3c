/** The office's activities that a summary counts by period (接待调研考察团155批次, 专题学习34次 …). */
export const ACTIVITY_KINDS = ['delegation', 'study', 'forum', 'lecture', 'consultation'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const ACTIVITY_KIND_ZH: Record<ActivityKind, string> = {
  delegation: '接待调研考察团',
  study: '专题学习',
  forum: '论坛',
  lecture: '讲座',
  consultation: '专家咨询',
};
