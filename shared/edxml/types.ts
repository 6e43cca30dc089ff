/**
 * What the axis reads out of an edXML message (QCVN 102:2016/BTTTT).
 *
 * Names follow the standard's own element names. Only what the axis acts on
 * is extracted; the message itself always travels as the exact bytes that the
 * sender posted, never re-serialised.
 */

/** Namespace URI of QCVN 102:2016; elements are matched by it, not by prefix. */
export const EDXML_NAMESPACE = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

/** `From` and `To` blocks: an agency as the message names it. */
export interface Organ {
  readonly organId: string;
  readonly organName?: string;
  readonly organizationInCharge?: string;
  readonly email?: string;
}

/** `BussinessDocType`: 0 new, 1 revoke, 2 update, 3 replace. */
export type BusinessDocType = 0 | 1 | 2 | 3;

export interface AttachmentInfo {
  readonly contentId: string;
  readonly attachmentName?: string;
  readonly contentType?: string;
  /** Length of the base64 text as received (the decoded size is ~3/4 of it). */
  readonly encodedLength: number;
}

/** An official document (công văn điện tử). */
export interface EdxmlDocument {
  readonly kind: 'document';
  readonly from: Organ;
  /** At least one; order as in the message. */
  readonly to: readonly Organ[];
  /** Opaque: real traffic carries UUIDs and impossible dates here. */
  readonly documentId: string;
  readonly codeNumber?: string;
  readonly codeNotation?: string;
  readonly promulgationDate?: string;
  readonly subject?: string;
  /** 0 when the message has no `Bussiness` block. */
  readonly businessDocType: BusinessDocType;
  /**
   * For a revoke, update or replace: the edXML DocumentIds that its `Bussiness`
   * block names as revised (`Bussiness/DocumentId`, `ReplacementInfo/DocumentId`),
   * in message order without repeats. Absent when there are none.
   */
  readonly businessReferences?: readonly string[];
  /** An element named `Signature` in the envelope header, in any namespace. */
  readonly signature: SignaturePresence;
  readonly attachments: readonly AttachmentInfo[];
}

export type SignaturePresence =
  | { readonly present: false }
  | {
      readonly present: true;
      /** True when the element is in the XML-DSig namespace, as it should be. */
      readonly xmlDsigNamespace: boolean;
    };

/** `ResponseFor`: which document a status speaks of. */
export interface ResponseFor {
  /** OrganId of the document's original sender. */
  readonly organId: string;
  readonly documentId: string;
  readonly code?: string;
  readonly promulgationDate?: string;
}

/** A processing status message (01 arrived ... 06 finished, 13, 15, 16). */
export interface EdxmlStatus {
  readonly kind: 'status';
  readonly from: Organ;
  readonly responseFor: ResponseFor;
  /** Two digits as in the wire format, e.g. "01". */
  readonly statusCode: string;
  readonly description?: string;
  /** `yyyy/MM/dd HH:mm:ss`, Vietnam local time, as sent. */
  readonly timestamp?: string;
}

export type EdxmlMessage = EdxmlDocument | EdxmlStatus;
