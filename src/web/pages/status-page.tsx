import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

/** 404 and 403, in their own chunk (the illustrations are heavy and rarely needed). */
export default function StatusPage({ kind }: { kind: 'notFound' | 'forbidden' }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status={kind === 'notFound' ? '404' : '403'}
      title={kind === 'notFound' ? t('app.notFoundTitle') : t('app.forbiddenTitle')}
      subTitle={kind === 'notFound' ? t('app.notFoundHelp') : t('app.forbiddenHelp')}
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('app.goHome')}
        </Button>
      }
    />
  );
}
