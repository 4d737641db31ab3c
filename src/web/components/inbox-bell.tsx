import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api.ts';
import { useCapabilities } from '../auth.tsx';
import type { Inbox } from '../types.ts';

/** The header's count of what needs the person now; the list is the inbox page. */
export function useInbox(enabled = true) {
  return useQuery({
    queryKey: ['inbox'],
    queryFn: () => api<Inbox>('/inbox'),
    enabled,
    // deadlines pass and colleagues act while a page stays open
    refetchInterval: 60_000,
  });
}

export function InboxBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const reads = useCapabilities().actions.read;
  const inbox = useInbox(reads);
  if (!reads) return null;
  const count = inbox.data?.count ?? 0;
  return (
    <Button
      type="text"
      aria-label={t('inbox.bell', { count })}
      data-testid="inbox-bell"
      onClick={() => navigate('/inbox')}
      icon={
        <Badge count={count} size="small" overflowCount={99}>
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      }
    />
  );
}
