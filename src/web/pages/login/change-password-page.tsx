import { Alert, Card, Flex } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { homePath, useAuth, useUser } from '../../auth.tsx';
import { dateTime } from '../../format.ts';
import { PasswordForm } from '../account/password-form.tsx';

/** The forced password change after a first log-in or a reset: nothing else opens before it. */
export default function ChangePasswordPage() {
  const { t } = useTranslation();
  const user = useUser();
  const { reload } = useAuth();
  const navigate = useNavigate();
  return (
    <Flex
      justify="center"
      align="center"
      style={{ minHeight: '100vh', padding: 16, background: '#f5f7fa' }}
    >
      <Card style={{ width: '100%', maxWidth: 440 }} title={t('auth.changePassword')}>
        {user.mustChangePassword && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('auth.mustChange')}
          />
        )}
        {user.passwordReset && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('auth.resetBy', {
              by: user.passwordReset.by,
              at: dateTime(user.passwordReset.at),
            })}
          />
        )}
        <PasswordForm
          onDone={async () => {
            const capabilities = await reload();
            navigate(capabilities ? homePath(capabilities) : '/', { replace: true });
          }}
        />
      </Card>
    </Flex>
  );
}
