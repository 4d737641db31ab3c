import type { AttachmentParentKind } from '../../../contracts/attachments.ts';
import type { Actor } from '../../context.ts';
import { can } from '../../policy.ts';

/**
 * One rule for attachments, built on the parent's own rules: who may read a file is who may
 * read its record (the parent's loader answers 404 outside that scope); who may add one is the
 * office on any record, or the responsible unit while the record's workflow still lets it answer
 * (its capabilities, from the parent's policy); who may remove one is the office, or the uploader
 * while the record is not closed and still theirs to answer.
 */
export type AttachmentParent = {
  kind: AttachmentParentKind;
  id: number;
  /** the responsible (addressed) unit; null for a meeting */
  unitId: number | null;
  closed: boolean;
  /** the caller may take one of the unit's steps on the record now (answer, report done…) */
  unitStepOpen: boolean;
};

/** The unit's answering action for each kind of record: `can` decides it for the unit. */
const UNIT_ANSWER = {
  action_item: 'action_item.answer',
  rectification: 'rectification.answer',
  supervision_notice: 'notice.answer',
} as const;

const officeMay = (actor: Actor) => can(actor, 'coordination.write');

export function mayUploadAttachment(actor: Actor, parent: AttachmentParent): boolean {
  if (officeMay(actor)) return true;
  if (parent.kind === 'meeting' || parent.unitId === null) return false;
  return parent.unitStepOpen && can(actor, UNIT_ANSWER[parent.kind], parent.unitId);
}

export function mayDeleteAttachment(
  actor: Actor,
  parent: AttachmentParent,
  attachment: { uploadedById: string },
): boolean {
  if (officeMay(actor)) return true;
  if (parent.kind === 'meeting' || parent.unitId === null || parent.closed) return false;
  return (
    attachment.uploadedById === actor.id && can(actor, UNIT_ANSWER[parent.kind], parent.unitId)
  );
}
