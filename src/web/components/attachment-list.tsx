import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Popconfirm, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AttachmentList as AttachmentListAnswer,
  AttachmentOutput,
  AttachmentParentKind,
} from '../../contracts/attachments.ts';
import { api, downloadUrl } from '../api.ts';
import { dateTime } from '../format.ts';
import { useErrorText } from './states.tsx';

/** 12.3 KB, 4.5 MB: sizes as people read them. */
function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * 附件 of one record (a meeting, an action item, a rectification task, a notice): the files with
 * their size, uploader and date, a download link, and upload and delete buttons exactly where the
 * server says the caller may (`canUpload`, each row's `canDelete`): no permission is decided here.
 */
export function AttachmentList({
  parentKind,
  parentId,
  parentVersion,
  title,
}: {
  parentKind: AttachmentParentKind;
  parentId: number;
  /** the record's version: a step on it (closing it) may change what the caller may do here */
  parentVersion?: number;
  /** the section's heading; 附件 unless told (整改佐证材料 on a rectification task) */
  title?: string;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const client = useQueryClient();
  const [uploading, setUploading] = useState(0);
  const key = ['attachments', parentKind, parentId, parentVersion];
  const files = useQuery({
    queryKey: key,
    queryFn: ({ signal }) =>
      api<AttachmentListAnswer>('/attachments', { query: { parentKind, parentId }, signal }),
  });
  const refresh = () => client.invalidateQueries({ queryKey: key });

  const remove = async (file: AttachmentOutput) => {
    try {
      await api(`/attachments/${file.id}`, { method: 'DELETE' });
      message.success(t('attachments.deleted'));
    } catch (e) {
      message.error(errorText(e));
    }
    await refresh();
  };

  const data = files.data;
  const items = data?.items ?? [];
  const mb = data ? data.limits.fileBytes / 1024 / 1024 : 0;
  const full = data ? items.length >= data.limits.perRecord : false;
  return (
    <div data-testid={`attachments-${parentKind}`}>
      <Flex justify="space-between" align="center" style={{ marginTop: 24, marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          <PaperClipOutlined /> {title ?? t('attachments.title')}
        </Typography.Title>
        {data?.canUpload && (
          <Upload
            accept={data.accept}
            multiple
            showUploadList={false}
            disabled={full}
            beforeUpload={(file) => {
              // the server's limit, checked first so nobody waits for a refusal
              if (file.size > data.limits.fileBytes) {
                message.error(t('attachments.tooLarge', { name: file.name, mb }));
                return Upload.LIST_IGNORE;
              }
              return true;
            }}
            customRequest={async ({ file, onSuccess, onError }) => {
              setUploading((n) => n + 1);
              try {
                const form = new FormData();
                form.append('parentKind', parentKind);
                form.append('parentId', String(parentId));
                form.append('file', file as Blob);
                const saved = await api<AttachmentOutput>('/attachments', { form });
                message.success(t('attachments.uploaded', { name: saved.originalFilename }));
                onSuccess?.(saved);
              } catch (e) {
                message.error(errorText(e));
                onError?.(e as Error);
              } finally {
                setUploading((n) => n - 1);
                await refresh();
              }
            }}
          >
            <Button
              size="small"
              icon={<UploadOutlined />}
              loading={uploading > 0}
              disabled={full}
              data-testid="add-attachment"
            >
              {uploading > 0 ? t('attachments.uploading') : t('attachments.add')}
            </Button>
          </Upload>
        )}
      </Flex>
      {files.error ? (
        <Typography.Text type="danger">{errorText(files.error)}</Typography.Text>
      ) : (
        <Table<AttachmentOutput>
          size="small"
          rowKey="id"
          loading={files.isLoading}
          pagination={false}
          dataSource={items}
          locale={{ emptyText: t('attachments.none') }}
          columns={[
            {
              title: t('attachments.filename'),
              dataIndex: 'originalFilename',
              ellipsis: true,
              render: (name: string, file) => (
                <a
                  href={downloadUrl(`/attachments/${file.id}/file`)}
                  download={name}
                  data-testid="attachment-download"
                >
                  {name}
                </a>
              ),
            },
            {
              title: t('attachments.size'),
              dataIndex: 'byteSize',
              align: 'right',
              width: 90,
              render: (n: number) => sizeText(n),
            },
            { title: t('attachments.uploadedBy'), dataIndex: 'uploadedBy', width: 110 },
            {
              title: t('attachments.uploadedAt'),
              dataIndex: 'createdAt',
              width: 140,
              render: (iso: string) => dateTime(iso),
            },
            {
              title: t('app.actions'),
              key: 'actions',
              width: 64,
              render: (_: unknown, file) =>
                file.canDelete && (
                  <Popconfirm
                    title={t('attachments.deleteConfirm', { name: file.originalFilename })}
                    okText={t('app.confirm')}
                    cancelText={t('app.cancel')}
                    onConfirm={() => remove(file)}
                  >
                    <Button
                      size="small"
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('attachments.delete')}
                      data-testid="delete-attachment"
                    />
                  </Popconfirm>
                ),
            },
          ]}
        />
      )}
      {data?.canUpload && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {full
            ? t('attachments.full', { max: data.limits.perRecord })
            : t('attachments.hint', { mb, max: data.limits.perRecord })}
        </Typography.Text>
      )}
    </div>
  );
}
