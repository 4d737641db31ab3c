/** The coordination API's answers as the web sees them (type-only imports of the server's types). */
import type {
  ActionItemEvent,
  ActionItemView,
} from '../../../server/modules/action-items/action-items.service.ts';
import type {
  MeetingDetail,
  MeetingView,
} from '../../../server/modules/meetings/meetings.service.ts';
import type { Json } from '../../api.ts';

export type ActionItem = Json<ActionItemView>;
export type ActionItemDetail = ActionItem & { events: Json<ActionItemEvent>[] };
export type ActionItemPage = {
  items: ActionItem[];
  total: number;
  overdue: number;
  page: number;
  pageSize: number;
};
export type Meeting = Json<MeetingView>;
export type MeetingFull = Json<MeetingDetail>;
export type MeetingPage = { items: Meeting[]; total: number; page: number; pageSize: number };
