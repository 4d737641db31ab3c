import type { Ctx } from '../../context.ts';
import type { Db } from '../../db.ts';
import { createActionItem } from '../action-items/action-items.service.ts';
import { uploadAttachment } from '../attachments/attachments.service.ts';
import type { Expect, MatrixRequest as Request, Spec } from './access-matrix.types.ts';

/**
 * The attachment routes' rows of the route × role × unit matrix (access-matrix.test.ts). Targets
 * are files on unit A's action items (named so that a leak to unit B's reporter shows: 甲单位项目),
 * uploaded by the office, so unit A's reporter reads them but may not delete them.
 */

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1');

export function attachmentSpecs(env: {
  db: () => Db;
  sys: () => Ctx;
  unitA: () => number;
  base: (over: Partial<Expect>, rest: number) => Expect;
}): Record<string, Spec> {
  const { base } = env;
  const readA = base({ coordinator: 200, leader: 200, reporterA: 200, reporterB: 404 }, 403);
  const itemA = () =>
    createActionItem(env.db(), env.sys(), {
      content: '甲单位项目前期手续办理',
      responsibleUnitId: env.unitA(),
      deadline: '2026-12-31',
    });
  const fileA = async () => {
    const item = await itemA();
    return uploadAttachment(
      env.db(),
      env.sys(),
      { parentKind: 'action_item', parentId: item.id },
      { bytes: PDF, filename: '甲单位项目批复.pdf' },
    );
  };
  const boundary = 'tiaodu-matrix-attachment';
  const multipart = (parentId: number): Request => ({
    url: '/api/attachments',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="parentKind"\r\n\r\naction_item\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="parentId"\r\n\r\n${parentId}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      PDF,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });

  return {
    'GET /api/attachments': {
      prepare: async () => {
        const file = await fileA();
        return { url: `/api/attachments?parentKind=action_item&parentId=${file.parentId}` };
      },
      expect: readA,
    },
    'POST /api/attachments': {
      prepare: async () => multipart((await itemA()).id),
      // the office, or the responsible unit while the item is open
      expect: base({ coordinator: 201, reporterA: 201, reporterB: 404 }, 403),
    },
    'GET /api/attachments/:id/file': {
      prepare: async () => ({ url: `/api/attachments/${(await fileA()).id}/file` }),
      expect: readA,
    },
    'DELETE /api/attachments/:id': {
      prepare: async () => ({ url: `/api/attachments/${(await fileA()).id}` }),
      // the office; unit A's reporter did not upload it
      expect: base({ coordinator: 204, reporterB: 404 }, 403),
    },
  };
}
