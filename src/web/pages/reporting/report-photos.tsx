import { CameraOutlined, DeleteOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Image, Popconfirm, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PhotoView } from '../../../server/modules/reports/report-photos.service.ts';
import { api, type Json } from '../../api.ts';
import { useErrorText } from '../../components/states.tsx';

type Photo = Json<PhotoView>;

/** The server's limit, checked here first so a phone does not send 10 MB for nothing. */
const MAX_BYTES = 10 * 1024 * 1024;
const THUMB_PX = 96;

/**
 * 现场照片 of a monthly report: thumbnails (the original on click), a camera/file upload and
 * deletion while the report is editable. `ensureReport` saves the draft first when the month has
 * no report yet, and answers its id (or null when the form is not valid yet).
 */
export function ReportPhotos({
  reportId,
  editable,
  ensureReport,
}: {
  reportId: number | undefined;
  editable: boolean;
  ensureReport: () => Promise<number | null>;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [uploading, setUploading] = useState(0);
  const photos = useQuery({
    queryKey: ['report-photos', reportId],
    queryFn: ({ signal }) => api<Photo[]>(`/reports/${reportId}/photos`, { signal }),
    enabled: !!reportId,
  });
  const refresh = (id: number | undefined) =>
    queryClient.invalidateQueries({ queryKey: ['report-photos', id] });

  const remove = async (photo: Photo) => {
    try {
      await api(`/report-photos/${photo.id}`, { method: 'DELETE' });
      message.success(t('reporting.photoDeleted'));
    } catch (e) {
      message.error(errorText(e));
    }
    await refresh(photo.reportId);
  };

  const list = photos.data ?? [];
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="report-photos">
      {list.length > 0 ? (
        <Image.PreviewGroup>
          <Space wrap size={8}>
            {list.map((photo) => (
              <div key={photo.id} style={{ position: 'relative' }}>
                <Image
                  width={THUMB_PX}
                  height={THUMB_PX}
                  style={{ objectFit: 'cover', borderRadius: 6 }}
                  src={`/api/report-photos/${photo.id}/thumbnail`}
                  preview={{ src: `/api/report-photos/${photo.id}` }}
                  alt={photo.originalFilename ?? t('reporting.photos')}
                  data-testid="report-photo"
                />
                {editable && (
                  <Popconfirm
                    title={t('reporting.photoDeleteConfirm')}
                    okText={t('app.confirm')}
                    cancelText={t('app.cancel')}
                    onConfirm={() => remove(photo)}
                  >
                    <Button
                      size="small"
                      danger
                      shape="circle"
                      icon={<DeleteOutlined />}
                      aria-label={t('reporting.photoDelete')}
                      style={{ position: 'absolute', top: 4, right: 4 }}
                      data-testid="delete-photo"
                    />
                  </Popconfirm>
                )}
              </div>
            ))}
          </Space>
        </Image.PreviewGroup>
      ) : (
        !editable && <Typography.Text type="secondary">{t('reporting.photosNone')}</Typography.Text>
      )}
      {editable && (
        <>
          <Upload
            accept="image/*"
            capture="environment"
            multiple
            showUploadList={false}
            disabled={false}
            beforeUpload={(file) => {
              if (file.size > MAX_BYTES) {
                message.error(t('reporting.photoTooLarge', { name: file.name }));
                return Upload.LIST_IGNORE;
              }
              return true;
            }}
            customRequest={async ({ file, onSuccess, onError }) => {
              setUploading((n) => n + 1);
              try {
                const id = reportId ?? (await ensureReport());
                if (!id) throw new Error(t('reporting.photosSaveFirst'));
                const form = new FormData();
                form.append('file', file as Blob);
                const saved = await api<Photo>(`/reports/${id}/photos`, { form });
                await refresh(id);
                onSuccess?.(saved);
              } catch (e) {
                message.error(errorText(e));
                onError?.(e as Error);
              } finally {
                setUploading((n) => n - 1);
              }
            }}
          >
            <Button
              size="large"
              icon={<CameraOutlined />}
              loading={uploading > 0}
              data-testid="add-photo"
            >
              {uploading > 0 ? t('reporting.photoUploading') : t('reporting.photoAdd')}
            </Button>
          </Upload>
          <Typography.Text type="secondary">{t('reporting.photosHint')}</Typography.Text>
        </>
      )}
    </Space>
  );
}
