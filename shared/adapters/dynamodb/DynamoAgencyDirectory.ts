import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AgencyDirectory } from '../../domain/ports';
import type { Agency, AgencyKey, SignaturePolicy } from '../../domain/records';
import { documentClient } from './documentClient';

interface AgencyItem {
  agencyId: string;
  name: string;
  channelMode: 'webhook' | 'inbox';
  webhookUrl?: string;
  keys: AgencyKey[];
  signaturePolicy: SignaturePolicy;
  sendsFor?: string[];
  registeredAt: string;
}

/** Agencies connected to the axis, one item per agency. */
export class DynamoAgencyDirectory implements AgencyDirectory {
  constructor(private readonly tableName: string) {}

  async get(agencyId: string): Promise<Agency | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: { agencyId } }),
    );
    return Item ? toAgency(Item as AgencyItem) : undefined;
  }

  async put(agency: Agency): Promise<void> {
    const item: AgencyItem = {
      agencyId: agency.agencyId,
      name: agency.name,
      channelMode: agency.channel.mode,
      webhookUrl: agency.channel.mode === 'webhook' ? agency.channel.url : undefined,
      keys: [...agency.keys],
      signaturePolicy: agency.signaturePolicy,
      sendsFor: agency.sendsFor.length > 0 ? [...agency.sendsFor] : undefined,
      registeredAt: agency.registeredAt,
    };
    await documentClient().send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /** A Scan, page by page: the table holds one small item per agency connected here. */
  async list(): Promise<Agency[]> {
    const agencies: Agency[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start }),
      );
      agencies.push(...(page.Items ?? []).map((item) => toAgency(item as AgencyItem)));
      start = page.LastEvaluatedKey;
    } while (start);
    return agencies;
  }
}

function toAgency(item: AgencyItem): Agency {
  return {
    agencyId: item.agencyId,
    name: item.name,
    channel:
      item.channelMode === 'webhook' && item.webhookUrl
        ? { mode: 'webhook', url: item.webhookUrl }
        : { mode: 'inbox' },
    keys: item.keys ?? [],
    signaturePolicy: item.signaturePolicy ?? 'required',
    sendsFor: item.sendsFor ?? [],
    registeredAt: item.registeredAt,
  };
}
