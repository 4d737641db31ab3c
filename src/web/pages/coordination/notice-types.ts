/** The supervision notices' API answers as the web sees them (type-only imports of the server's). */
import type { NoticeProposal } from '../../../server/modules/supervision-notices/notice-proposals.ts';
import type { NoticeSettings } from '../../../server/modules/supervision-notices/notice-settings.ts';
import type {
  NoticeEvent,
  NoticeView,
  WarningNoticeLink,
} from '../../../server/modules/supervision-notices/supervision-notices.service.ts';
import type { Json } from '../../api.ts';

export type Notice = Json<NoticeView>;
export type NoticeDetail = Notice & { events: Json<NoticeEvent>[] };
export type NoticePage = {
  items: Notice[];
  total: number;
  escalated: number;
  page: number;
  pageSize: number;
};
export type NoticeProposals = { month: string; attentionMonths: number; items: NoticeProposal[] };
export type { NoticeSettings };
/** What the warnings list adds to each warning: its notice and the one-click permission. */
export type NoticeLink = Partial<Json<WarningNoticeLink>>;
