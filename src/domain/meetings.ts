/** The kinds of meeting the office holds; the summary counts each kind separately. */
export const MEETING_KINDS = ['task_force', 'coordination', 'regular', 'site_visit'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export const MEETING_KIND_ZH: Record<MeetingKind, string> = {
  task_force: '专责小组会议',
  coordination: '协调会',
  regular: '例会',
  site_visit: '现场调研',
};

/**
 * Minutes are kept as plain text in paragraphs, never as HTML: a clerk pastes from Word, the
 * text keeps its paragraphs, and no markup (so no script) can ever reach a page. Windows line
 * ends and control characters go; runs of blank lines become one paragraph break.
 */
export function normalizeMinutes(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // control characters Word leaves behind (vertical tab, form feed, …), but not \n or \t
      .replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\t' ? c : ''))
      .replace(/[ \t\u3000]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/** The paragraphs of minutes, as a page shows them. */
export function minutesParagraphs(text: string): string[] {
  return normalizeMinutes(text)
    .split(/\n\s*\n|\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}
