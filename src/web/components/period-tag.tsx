import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useUrlParams } from '../url-params.ts';

/**
 * The period a list is limited to by its address (`?from=…&to=…`), as a summary's figure links
 * to it ("专责小组会议6次" in 2023-01-01…2023-06-30); closing it shows every period again.
 */
export function usePeriodParams() {
  const [params] = useUrlParams();
  return { from: params.get('from') ?? undefined, to: params.get('to') ?? undefined };
}

export function PeriodTag() {
  const { t } = useTranslation();
  const [, set] = useUrlParams();
  const { from, to } = usePeriodParams();
  if (!from && !to) return null;
  return (
    <Tag
      closable
      style={{ marginInlineStart: 12 }}
      onClose={() => set({ from: null, to: null, page: null })}
      data-testid="list-period"
    >
      {t('coord.period', { from: from ?? '…', to: to ?? '…' })}
    </Tag>
  );
}
