import type { NonceStore } from '../../domain/ports';
import { putIfAbsent } from './documentClient';

/**
 * Spent nonces, one item each, removed by DynamoDB's TTL after `expiresAt`.
 * The conditional put makes a nonce usable once even when two copies of a
 * request arrive at the same moment.
 */
export class DynamoNonceStore implements NonceStore {
  constructor(private readonly tableName: string) {}

  async claim(agencyId: string, nonce: string, expiresAt: Date): Promise<boolean> {
    const outcome = await putIfAbsent(
      this.tableName,
      {
        nonceKey: `${agencyId}#${nonce}`,
        expiresAt: Math.ceil(expiresAt.getTime() / 1000),
      },
      'nonceKey',
    );
    return outcome === 'created';
  }
}
