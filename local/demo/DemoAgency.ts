import type { KeyObject } from 'node:crypto';
import type { AxisClient } from '#shared/client/AxisClient';
import { verifyAxisJws } from '#shared/client/verifyAxisJws';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import { parseEdxml } from '#shared/edxml/parseEdxml';
import type { EdxmlDocument, EdxmlStatus } from '#shared/edxml/types';
import { REJECTION_TYPE } from '#shared/services/axisSignature';
import type { DemoLog } from './DemoLog';

export interface DemoAgencyProfile {
  readonly agencyId: string;
  readonly name: string;
  readonly channel: 'webhook' | 'inbox';
  readonly signaturePolicy: 'required' | 'optional' | 'report';
  /** The statuses this agency's clerks report, in order, for each document it receives. */
  readonly answers: readonly string[];
}

/** What one of the demo's agencies has seen arrive. */
export interface Received {
  readonly documents: Map<string, EdxmlDocument>;
  readonly statuses: EdxmlStatus[];
  /** The axis's signed refusals of documents this agency sent, by axis document id. */
  readonly rejections: Map<string, string>;
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  '01': 'Đã đến - phần mềm QLVB đã nhận',
  '02': 'Từ chối tiếp nhận - không thuộc thẩm quyền',
  '03': 'Đã tiếp nhận - vào sổ văn bản đến',
  '04': 'Phân công - lãnh đạo giao xử lý',
  '05': 'Đang xử lý',
  '06': 'Hoàn thành',
};

/**
 * An agency's document-management software, as simulated by the demo: it
 * receives documents (by webhook or by polling its inbox), answers each one
 * with its scripted processing statuses, and keeps the statuses that come
 * back for documents it sent.
 */
export class DemoAgency {
  readonly received: Received = { documents: new Map(), statuses: [], rejections: new Map() };
  private readonly seen = new Set<string>();
  private readonly work: Promise<void>[] = [];

  constructor(
    readonly profile: DemoAgencyProfile,
    readonly client: AxisClient,
    private readonly log: DemoLog,
    private readonly axisKeys: (kid: string) => KeyObject | undefined,
  ) {}

  /** Handles one delivered message; a repeat of a message already seen is ignored. */
  accept(messageId: string, bytes: Uint8Array, via: string, kind: string): void {
    if (this.seen.has(messageId)) return;
    this.seen.add(messageId);
    if (kind === 'rejection') {
      // The refusal is itself a JWS of the axis: checked before it is believed.
      const { payload } = verifyAxisJws(
        Buffer.from(bytes).toString('ascii'),
        REJECTION_TYPE,
        this.axisKeys,
      );
      this.received.rejections.set(String(payload.documentId), String(payload.code));
      this.log.add(
        this.profile.agencyId,
        `the axis REFUSED ${String(payload.documentId)}: ${String(payload.code)} (${via}, ` +
          'rejection signature verified)',
      );
      return;
    }
    const message = parseEdxml(bytes);
    if (message.kind === 'status') {
      this.received.statuses.push(message);
      this.log.add(
        this.profile.agencyId,
        `status ${message.statusCode} from ${message.from.organId} arrived (${via})`,
      );
      return;
    }
    this.received.documents.set(messageId, message);
    this.log.add(
      this.profile.agencyId,
      `document ${message.documentId} from ${message.from.organId} arrived (${via}, ` +
        `${bytes.byteLength} bytes)`,
    );
    this.work.push(this.answer(message));
  }

  /** Fetches what waits in the inbox, for a pull-only agency. */
  async pollInbox(): Promise<void> {
    const { items } = await this.client.inbox();
    for (const item of items) {
      // An item seen before but listed again lost its acknowledgement: only repeat that.
      if (!this.seen.has(item.messageId)) {
        try {
          const { bytes } = await this.client.download(item.messageId);
          this.accept(item.messageId, bytes, 'inbox', item.kind);
        } catch (error) {
          // Told as failed, the axis keeps the item pending and shows operators why.
          const reason = String((error as Error).message ?? error).slice(0, 200);
          await this.client.acknowledge(item.messageId, { result: 'failed', reason });
          throw error;
        }
      }
      await this.client.acknowledge(item.messageId, { result: 'done' });
      this.log.add(this.profile.agencyId, `acknowledged ${item.kind} ${item.messageId} as done`);
    }
  }

  /** Resolves when every status this agency started sending has been answered. */
  async settled(): Promise<void> {
    await Promise.all(this.work);
  }

  private async answer(document: EdxmlDocument): Promise<void> {
    for (const statusCode of this.profile.answers) {
      const xml = buildStatusMessage({
        from: { organId: this.profile.agencyId, organName: this.profile.name },
        responseFor: {
          organId: document.from.organId,
          documentId: document.documentId,
          code: [document.codeNumber, document.codeNotation].filter(Boolean).join('/'),
          promulgationDate: document.promulgationDate,
        },
        statusCode,
        description: DESCRIPTIONS[statusCode],
        timestamp: formatEdxmlTimestamp(new Date()),
      });
      const answer = await this.client.reportStatus(Buffer.from(xml, 'utf8'));
      this.log.add(
        this.profile.agencyId,
        `reported status ${statusCode} for ${document.documentId} ` +
          `(current ${answer.currentStatus})`,
      );
    }
  }
}
