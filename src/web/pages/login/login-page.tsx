import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { homePath, useAuth } from '../../auth.tsx';
import { LanguageSwitch } from '../../components/app-layout.tsx';
import { useErrorText } from '../../components/states.tsx';
import type { Role, SessionBody } from '../../types.ts';

type Demo =
  | { demo: true; password: string; accounts: { username: string; role: Role }[] }
  | { demo: false };
type Values = { username: string; password: string; totp?: string };

/** Only paths inside the app, so a crafted link cannot send someone elsewhere after log-in. */
function safeNext(next: string | null): string | null {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return null;
  return next;
}

export default function LoginPage() {
  const { t } = useTranslation();
  const { session, signedIn } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const errorText = useErrorText();
  const [form] = Form.useForm<Values>();
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const next = safeNext(params.get('next'));

  const demo = useQuery({
    queryKey: ['auth', 'demo'],
    queryFn: async () => {
      try {
        return await api<Demo>('/auth/demo');
      } catch {
        return { demo: false } as Demo;
      }
    },
    enabled: session.status === 'anonymous',
  });

  const login = useMutation({
    mutationFn: (v: Values) =>
      api<SessionBody>('/auth/login', {
        method: 'POST',
        body: { username: v.username, password: v.password, ...(v.totp ? { totp: v.totp } : {}) },
      }),
    onSuccess: async (body) => {
      const capabilities = await signedIn(body);
      navigate(
        body.user.mustChangePassword
          ? '/change-password'
          : (next ?? (capabilities ? homePath(capabilities) : '/')),
        { replace: true },
      );
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'auth.totp_required') {
        setNeedTotp(true);
        setError(null);
        return;
      }
      if (e instanceof ApiError && e.code === 'auth.invalid') {
        // the server's text, which states the lockout rule (the same for every refused log-in)
        setError(errorText(e));
        return;
      }
      setError(
        e instanceof ApiError && e.code === 'auth.locked' ? `${t('auth.locked')}` : errorText(e),
      );
    },
  });

  if (session.status === 'authenticated') {
    return <Navigate to={next ?? homePath(session.capabilities)} replace />;
  }

  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{
        minHeight: '100vh',
        padding: 16,
        background: 'linear-gradient(160deg, #0f2a55 0%, #1d4f9a 55%, #e8f0fb 55%)',
      }}
    >
      <div style={{ position: 'absolute', top: 16, right: 16 }}>
        <LanguageSwitch dark />
      </div>
      <Typography.Title level={2} style={{ color: '#fff', marginBottom: 4, letterSpacing: 4 }}>
        {t('app.name')}
      </Typography.Title>
      <Typography.Text style={{ color: '#cfe0ff', marginBottom: 20 }}>
        {t('auth.subtitle')}
      </Typography.Text>
      <Card style={{ width: '100%', maxWidth: 400 }} title={t('auth.title')}>
        {session.status === 'anonymous' && session.reason === 'expired' && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('auth.sessionExpiredTitle')}
            description={t('auth.sessionExpired')}
            data-testid="session-expired"
          />
        )}
        {error && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={error}
            data-testid="login-error"
          />
        )}
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={(v) => login.mutate(v)}
          requiredMark={false}
        >
          <Form.Item
            name="username"
            label={t('auth.username')}
            rules={[{ required: true, message: t('app.required') }]}
          >
            <Input
              prefix={<UserOutlined />}
              autoComplete="username"
              autoFocus
              size="large"
              disabled={needTotp}
              data-testid="login-username"
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('auth.password')}
            rules={[{ required: true, message: t('app.required') }]}
            hidden={needTotp}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              size="large"
              data-testid="login-password"
            />
          </Form.Item>
          {needTotp && (
            <Form.Item
              name="totp"
              label={t('auth.totp')}
              extra={t('auth.totpHelp')}
              rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('auth.totpHelp') }]}
            >
              <Input
                prefix={<SafetyOutlined />}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                size="large"
                autoFocus
                data-testid="login-totp"
              />
            </Form.Item>
          )}
          <Button
            type="primary"
            htmlType="submit"
            size="large"
            block
            loading={login.isPending}
            data-testid="login-submit"
          >
            {t('auth.login')}
          </Button>
          {needTotp && (
            <Button
              type="link"
              block
              onClick={() => {
                setNeedTotp(false);
                form.setFieldValue('totp', undefined);
              }}
            >
              {t('app.back')}
            </Button>
          )}
        </Form>
        {demo.data?.demo && (
          <div style={{ marginTop: 20 }} data-testid="demo-accounts">
            <Typography.Text type="secondary">
              {t('auth.demoAccounts', { password: demo.data.password })}
            </Typography.Text>
            <Space wrap size={[6, 6]} style={{ marginTop: 8 }}>
              {demo.data.accounts.map((a) => (
                <Tag
                  key={a.username}
                  style={{ cursor: 'pointer', padding: '2px 8px' }}
                  onClick={() => {
                    if (!demo.data?.demo) return;
                    setNeedTotp(false);
                    setError(null);
                    form.setFieldsValue({ username: a.username, password: demo.data.password });
                  }}
                  tabIndex={0}
                  onKeyDown={(e) => {
                    if ((e.key === 'Enter' || e.key === ' ') && demo.data?.demo) {
                      e.preventDefault();
                      form.setFieldsValue({ username: a.username, password: demo.data.password });
                    }
                  }}
                  role="button"
                >
                  {a.username} · {t(`roles.${a.role}`)}
                </Tag>
              ))}
            </Space>
          </div>
        )}
      </Card>
    </Flex>
  );
}
