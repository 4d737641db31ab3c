import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ReportStatus } from '../../domain/report-workflow.ts';

/**
 * Each state's text, tint and border. Antd's status colours put #52c41a on its tint (2.2:1);
 * these texts are at least 4.5:1 on their tints (WCAG 2.1 AA), the borders keep the hue.
 */
const STATUS_TONE: Record<
  ReportStatus,
  { color: string; background: string; borderColor: string }
> = {
  draft: { color: 'rgba(0, 0, 0, 0.88)', background: '#fafafa', borderColor: '#d9d9d9' },
  submitted: { color: '#0958d9', background: '#e6f4ff', borderColor: '#91caff' },
  approved: { color: '#237804', background: '#f6ffed', borderColor: '#b7eb8f' },
  returned: { color: '#cf1322', background: '#fff1f0', borderColor: '#ffa39e' },
};

/** A report's workflow state, coloured and worded. */
export function StatusTag({ status }: { status: ReportStatus }) {
  const { t } = useTranslation();
  return (
    <Tag variant="outlined" style={STATUS_TONE[status]} data-status={status}>
      {t(`reportStatus.${status}`)}
    </Tag>
  );
}
