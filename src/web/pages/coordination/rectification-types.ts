/** The rectification API's answers as the web sees them (type-only imports of the server's types). */
import type {
  RectificationDetail as Detail,
  RectificationPage as Page,
} from '../../../server/modules/rectifications/rectifications.service.ts';
import type { Json } from '../../api.ts';

export type RectificationPage = Json<Page>;
export type Rectification = RectificationPage['items'][number];
export type RectificationDetail = Json<Detail>;
