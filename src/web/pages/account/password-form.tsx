import { useMutation } from '@tanstack/react-query';
import { App, Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { showFieldErrors } from '../../components/form-errors.ts';
import { useErrorText } from '../../components/states.tsx';

type Values = { currentPassword: string; newPassword: string; confirm: string };

/** One's own password; the server's policy decides and its message lands under the field. */
export function PasswordForm({ onDone }: { onDone: () => void | Promise<void> }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const [form] = Form.useForm<Values>();
  const save = useMutation({
    mutationFn: (v: Values) =>
      api('/auth/password', {
        method: 'POST',
        body: { currentPassword: v.currentPassword, newPassword: v.newPassword },
      }),
    onSuccess: async () => {
      message.success(t('auth.passwordChanged'));
      form.resetFields();
      await onDone();
    },
    onError: (e) => message.error(showFieldErrors(form, e, errorText, { password: 'newPassword' })),
  });
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      onFinish={(v) => save.mutate(v)}
      requiredMark={false}
    >
      <Form.Item
        name="currentPassword"
        label={t('auth.currentPassword')}
        rules={[{ required: true, message: t('app.required') }]}
      >
        <Input.Password autoComplete="current-password" data-testid="current-password" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('auth.newPassword')}
        extra={t('auth.passwordRule')}
        rules={[{ required: true, message: t('app.required') }]}
      >
        <Input.Password autoComplete="new-password" data-testid="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('auth.confirmPassword')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('app.required') },
          ({ getFieldValue }) => ({
            validator: (_, v) =>
              !v || v === getFieldValue('newPassword')
                ? Promise.resolve()
                : Promise.reject(new Error(t('auth.passwordMismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="confirm-password" />
      </Form.Item>
      <Button
        type="primary"
        htmlType="submit"
        loading={save.isPending}
        data-testid="change-password-submit"
      >
        {t('auth.changePassword')}
      </Button>
    </Form>
  );
}
