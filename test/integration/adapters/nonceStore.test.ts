import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoNonceStore } from '#shared/adapters/dynamodb/DynamoNonceStore';
import type { ProvisionedAxis } from '../../../local/provision';
import { GOVERNMENT_OFFICE, NGHE_AN } from '../../support/agencies';
import { provisionTestAxis } from '../../support/testAxis';
import { AwsState } from '../helpers/awsState';

let axis: ProvisionedAxis;
let store: DynamoNonceStore;
let state: AwsState;

beforeAll(async () => {
  axis = await provisionTestAxis('nonce-store');
  store = new DynamoNonceStore(axis.tables.nonces);
  state = new AwsState();
});

afterAll(async () => {
  state?.destroy();
  await axis?.teardown();
});

const freshNonce = () => randomBytes(18).toString('base64url');
const EXPIRES = new Date('2026-12-04T09:10:00.250Z');

async function stored(agencyId: string, nonce: string) {
  const items = await state.items(axis.tables.nonces);
  return items.filter((item) => item.nonceKey === `${agencyId}#${nonce}`);
}

describe('DynamoNonceStore', () => {
  it('claims a nonce the first time only', async () => {
    const nonce = freshNonce();
    expect(await store.claim(GOVERNMENT_OFFICE, nonce, EXPIRES)).toBe(true);
    expect(await store.claim(GOVERNMENT_OFFICE, nonce, EXPIRES)).toBe(false);
    expect(await store.claim(GOVERNMENT_OFFICE, nonce, new Date('2027-01-01T00:00:00Z'))).toBe(
      false,
    );
  });

  it('keeps the nonces of different agencies apart', async () => {
    const nonce = freshNonce();
    expect(await store.claim(GOVERNMENT_OFFICE, nonce, EXPIRES)).toBe(true);
    expect(await store.claim(NGHE_AN, nonce, EXPIRES)).toBe(true);
    expect(await store.claim(NGHE_AN, nonce, EXPIRES)).toBe(false);
  });

  it('stores one item keyed by agency and nonce, expiring in whole epoch seconds', async () => {
    const nonce = freshNonce();
    await store.claim(GOVERNMENT_OFFICE, nonce, EXPIRES);
    expect(await stored(GOVERNMENT_OFFICE, nonce)).toEqual([
      {
        nonceKey: `${GOVERNMENT_OFFICE}#${nonce}`,
        // Rounded up, so an item never expires before its nonce may.
        expiresAt: Math.ceil(EXPIRES.getTime() / 1000),
      },
    ]);
  });

  it('lets exactly one of many simultaneous claims of a nonce win', async () => {
    const nonce = freshNonce();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => store.claim(GOVERNMENT_OFFICE, nonce, EXPIRES)),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await stored(GOVERNMENT_OFFICE, nonce)).toHaveLength(1);
  });
});
