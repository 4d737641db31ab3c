import { Alert, Button, Empty, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';

export function PageSpinner() {
  const { t } = useTranslation();
  return (
    <div style={{ padding: 80, textAlign: 'center' }} role="status">
      <Spin size="large" />
      <div style={{ marginTop: 12, color: 'rgba(0,0,0,.58)' }}>{t('app.loading')}</div>
    </div>
  );
}

/** The server's message in the user's language, when the server gave one. */
export function useErrorText(): (error: unknown) => string {
  const { i18n, t } = useTranslation();
  return (error) => {
    if (error instanceof ApiError) {
      if (error.code === 'network') return t('errors.network');
      if (i18n.language === 'en' && error.messageEn) return error.messageEn;
      return error.message;
    }
    return error instanceof Error ? error.message : String(error);
  };
}

/** An error that says what happened and offers to try again. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  const requestId =
    error instanceof ApiError && typeof error.details.requestId === 'string'
      ? error.details.requestId
      : null;
  return (
    <Alert
      type="error"
      showIcon
      title={t('app.errorTitle')}
      description={
        <>
          <div>{text(error)}</div>
          <div style={{ color: 'rgba(0,0,0,.58)', fontSize: 12 }}>
            {t('app.errorHelp')} {requestId ? `(${requestId})` : ''}
          </div>
        </>
      }
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('app.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

export function EmptyState({
  description,
  children,
}: {
  description: ReactNode;
  children?: ReactNode;
}) {
  return (
    <Empty description={description} style={{ padding: '40px 0' }}>
      {children}
    </Empty>
  );
}
