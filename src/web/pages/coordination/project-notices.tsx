import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.ts';
import { ErrorState } from '../../components/states.tsx';
import { NoticeDrawer } from './notice-drawer.tsx';
import type { NoticePage } from './notice-types.ts';
import { NoticeTable } from './notices-page.tsx';

/** The project page's 督办单 tab: the project's notices and where each stands. */
export function ProjectNotices({ projectId }: { projectId: number }) {
  const [open, setOpen] = useState<number | null>(null);
  const q = useQuery({
    queryKey: ['notices', { projectId }],
    queryFn: () => api<NoticePage>('/supervision-notices', { query: { projectId, pageSize: 200 } }),
  });
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  return (
    <>
      <NoticeTable data={q.data?.items} loading={q.isPending} onOpen={setOpen} pagination={false} />
      {open && <NoticeDrawer id={open} onClose={() => setOpen(null)} />}
    </>
  );
}
