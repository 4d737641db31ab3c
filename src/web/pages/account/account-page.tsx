import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  QRCode,
  Row,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useAuth, useUser } from '../../auth.tsx';
import { showFieldErrors } from '../../components/form-errors.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { useErrorText } from '../../components/states.tsx';
import { PasswordForm } from './password-form.tsx';

function TotpCard() {
  const { t } = useTranslation();
  const user = useUser();
  const { reload } = useAuth();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const [form] = Form.useForm<{ code: string }>();
  const [reauth] = Form.useForm<{ password: string; code: string }>();
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [replacing, setReplacing] = useState(false);
  // Replacing an enabled authenticator needs the password and a current code (the server
  // answers totp.reauth_required otherwise), so a borrowed session cannot move the factor.
  const enroll = useMutation({
    mutationFn: (body?: { password: string; code: string }) =>
      api<{ secret: string; otpauthUrl: string }>('/auth/totp/enroll', { method: 'POST', body }),
    onSuccess: (e) => {
      setReplacing(false);
      reauth.resetFields();
      setEnrolment(e);
    },
    onError: (e) => message.error(replacing ? showFieldErrors(reauth, e, errorText) : errorText(e)),
  });
  const confirm = useMutation({
    mutationFn: (code: string) => api('/auth/totp/confirm', { method: 'POST', body: { code } }),
    onSuccess: async () => {
      message.success(t('auth.totpDone'));
      setEnrolment(null);
      await reload();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText)),
  });
  return (
    <Card size="small" title={t('auth.totpSection')}>
      {enrolment ? (
        <Space orientation="vertical" size={12}>
          <Typography.Text>{t('auth.totpScan')}</Typography.Text>
          <QRCode value={enrolment.otpauthUrl} size={180} />
          <Typography.Text code copyable>
            {enrolment.secret}
          </Typography.Text>
          <Form form={form} layout="vertical" onFinish={(v) => confirm.mutate(v.code)}>
            <Form.Item
              name="code"
              label={t('auth.totpConfirm')}
              rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('auth.totpHelp') }]}
            >
              <Input
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                style={{ width: 160 }}
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={confirm.isPending}>
              {t('app.confirm')}
            </Button>
          </Form>
        </Space>
      ) : user.totpEnabled ? (
        <Space orientation="vertical" size={12}>
          <Tag color="green">{t('auth.totpEnabled')}</Tag>
          {replacing ? (
            <Form form={reauth} layout="vertical" onFinish={(v) => enroll.mutate(v)}>
              <Typography.Paragraph type="secondary">
                {t('auth.totpReplaceHelp')}
              </Typography.Paragraph>
              <Form.Item
                name="password"
                label={t('auth.currentPassword')}
                rules={[{ required: true }]}
              >
                <Input.Password autoComplete="current-password" style={{ width: 240 }} />
              </Form.Item>
              <Form.Item
                name="code"
                label={t('auth.totpCurrentCode')}
                rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('auth.totpHelp') }]}
              >
                <Input
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  style={{ width: 160 }}
                />
              </Form.Item>
              <Space>
                <Button type="primary" htmlType="submit" loading={enroll.isPending}>
                  {t('app.confirm')}
                </Button>
                <Button onClick={() => setReplacing(false)}>{t('app.cancel')}</Button>
              </Space>
            </Form>
          ) : (
            <Button onClick={() => setReplacing(true)}>{t('auth.totpReplace')}</Button>
          )}
        </Space>
      ) : (
        <Space orientation="vertical">
          <Tag>{t('auth.totpDisabled')}</Tag>
          <Button onClick={() => enroll.mutate(undefined)} loading={enroll.isPending}>
            {t('auth.totpEnroll')}
          </Button>
        </Space>
      )}
    </Card>
  );
}

export default function AccountPage() {
  const { t } = useTranslation();
  const user = useUser();
  return (
    <>
      <PageHeader title={t('nav.account')} />
      {!user.accounts && (
        <Alert type="info" showIcon title={t('admin.notAvailable')} style={{ marginBottom: 16 }} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('auth.profile')}>
            <Descriptions
              size="small"
              column={1}
              items={[
                { label: t('auth.username'), children: user.username },
                { label: t('admin.displayName'), children: user.displayName },
                { label: t('auth.roleLabel'), children: t(`roles.${user.role}`) },
                { label: t('auth.unitLabel'), children: user.unitName ?? '—' },
              ]}
            />
          </Card>
        </Col>
        {user.accounts && (
          <>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('auth.changePassword')}>
                <PasswordForm onDone={() => undefined} />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <TotpCard />
            </Col>
          </>
        )}
      </Row>
    </>
  );
}
