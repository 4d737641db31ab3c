import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ReportStatus } from '../../domain/report-workflow.ts';

const STATUS_COLOR: Record<ReportStatus, string> = {
  draft: 'default',
  submitted: 'processing',
  approved: 'success',
  returned: 'error',
};

/** A report's workflow state, coloured and worded. */
export function StatusTag({ status }: { status: ReportStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-status={status}>
      {t(`reportStatus.${status}`)}
    </Tag>
  );
}
