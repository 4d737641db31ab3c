import { Breadcrumb, Flex } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Muted, PageTitle } from './text.tsx';

/** Title, breadcrumb and the page's actions, the same on every work page. */
export function PageHeader({
  title,
  subtitle,
  crumbs,
  extra,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  crumbs?: { title: ReactNode; to?: string }[];
  extra?: ReactNode;
}) {
  return (
    <div style={{ marginBottom: 16 }}>
      {crumbs && crumbs.length > 0 && (
        <Breadcrumb
          style={{ marginBottom: 8 }}
          items={crumbs.map((c) => ({ title: c.to ? <Link to={c.to}>{c.title}</Link> : c.title }))}
        />
      )}
      <Flex justify="space-between" align="center" wrap gap={12}>
        <div>
          <PageTitle>{title}</PageTitle>
          {subtitle && <Muted>{subtitle}</Muted>}
        </div>
        {extra && (
          <Flex gap={8} wrap>
            {extra}
          </Flex>
        )}
      </Flex>
    </div>
  );
}
