import { Button, Drawer, Space } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The drawer every edit form opens in: title, the form, and cancel / save at the foot. */
export function FormDrawer({
  title,
  width,
  saving,
  onSave,
  onClose,
  children,
}: {
  title: ReactNode;
  width: number;
  saving: boolean;
  /** usually `() => form.submit()`, so the form's own validation runs first */
  onSave: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Drawer
      open
      onClose={onClose}
      size={Math.min(width, window.innerWidth)}
      title={title}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('app.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={onSave}>
            {t('app.save')}
          </Button>
        </Space>
      }
    >
      {children}
    </Drawer>
  );
}
