import { describe, expect, it } from 'vitest';
import {
  connectionState,
  DISCONNECT_AFTER_FAILURES,
  POLL_DEGRADED_AFTER_MS,
  POLL_DISCONNECTED_AFTER_MS,
} from '#shared/domain/connectionState';
import type { ConnectionRecord } from '#shared/domain/records';

const NOW = new Date('2026-12-04T09:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function record(fields: Partial<ConnectionRecord>): ConnectionRecord {
  return { agencyId: '000.00.00.H40', consecutiveFailures: 0, updatedAt: ago(0), ...fields };
}

describe('connectionState thresholds', () => {
  it('are the documented values', () => {
    expect(DISCONNECT_AFTER_FAILURES).toBe(10);
    expect(POLL_DEGRADED_AFTER_MS).toBe(60 * 60 * 1000);
    expect(POLL_DISCONNECTED_AFTER_MS).toBe(24 * 60 * 60 * 1000);
  });
});

describe('a webhook agency', () => {
  it('is unknown without a record, and with a record of nothing delivered', () => {
    expect(connectionState('webhook', undefined, NOW)).toBe('unknown');
    expect(connectionState('webhook', record({}), NOW)).toBe('unknown');
  });

  it('is connected when the last delivery succeeded, however long ago', () => {
    const delivered = record({ lastDeliveryAt: ago(30 * POLL_DISCONNECTED_AFTER_MS) });
    expect(connectionState('webhook', delivered, NOW)).toBe('connected');
  });

  it.each([
    [1, 'degraded'],
    [DISCONNECT_AFTER_FAILURES - 1, 'degraded'],
    [DISCONNECT_AFTER_FAILURES, 'disconnected'],
    [DISCONNECT_AFTER_FAILURES + 5, 'disconnected'],
  ] as const)('is %i failure(s) in a row → %s', (failures, state) => {
    const failing = record({
      lastDeliveryAt: ago(60_000),
      lastFailureAt: ago(1_000),
      consecutiveFailures: failures,
    });
    expect(connectionState('webhook', failing, NOW)).toBe(state);
  });

  it('is degraded on a failure even when nothing was ever delivered', () => {
    const failing = record({ lastFailureAt: ago(1_000), consecutiveFailures: 1 });
    expect(connectionState('webhook', failing, NOW)).toBe('degraded');
  });

  it('ignores polls: a webhook is judged by deliveries', () => {
    expect(connectionState('webhook', record({ lastPollAt: ago(1_000) }), NOW)).toBe('unknown');
  });
});

describe('a pull agency', () => {
  it('is unknown until it lists its inbox, even with items put in its inbox', () => {
    expect(connectionState('inbox', undefined, NOW)).toBe('unknown');
    expect(connectionState('inbox', record({ lastDeliveryAt: ago(1_000) }), NOW)).toBe('unknown');
  });

  it.each([
    [0, 'connected'],
    [POLL_DEGRADED_AFTER_MS, 'connected'],
    [POLL_DEGRADED_AFTER_MS + 1, 'degraded'],
    [POLL_DISCONNECTED_AFTER_MS, 'degraded'],
    [POLL_DISCONNECTED_AFTER_MS + 1, 'disconnected'],
  ] as const)('is %i ms after its last listing → %s', (silentMs, state) => {
    expect(connectionState('inbox', record({ lastPollAt: ago(silentMs) }), NOW)).toBe(state);
  });

  it('is not kept alive by the axis putting items in its inbox', () => {
    const silent = record({
      lastPollAt: ago(POLL_DISCONNECTED_AFTER_MS + 1),
      lastDeliveryAt: ago(1_000),
    });
    expect(connectionState('inbox', silent, NOW)).toBe('disconnected');
  });

  it('is degraded after a failure and disconnected after the threshold, even if it polls', () => {
    const polled = { lastPollAt: ago(1_000) };
    expect(connectionState('inbox', record({ ...polled, consecutiveFailures: 1 }), NOW)).toBe(
      'degraded',
    );
    expect(
      connectionState(
        'inbox',
        record({ ...polled, consecutiveFailures: DISCONNECT_AFTER_FAILURES }),
        NOW,
      ),
    ).toBe('disconnected');
  });

  it('treats a listing stamped slightly in the future (clock skew) as fresh', () => {
    expect(connectionState('inbox', record({ lastPollAt: ago(-5_000) }), NOW)).toBe('connected');
  });
});

describe('the national axis link', () => {
  it('counts a successful send as contact, as well as a poll', () => {
    const sent = record({
      lastPollAt: ago(POLL_DISCONNECTED_AFTER_MS + 1),
      lastDeliveryAt: ago(1_000),
    });
    expect(connectionState('national', sent, NOW)).toBe('connected');
    expect(connectionState('national', record({ lastPollAt: ago(1_000) }), NOW)).toBe('connected');
  });

  it('is degraded when silent for over an hour, disconnected after a day', () => {
    expect(
      connectionState('national', record({ lastPollAt: ago(POLL_DEGRADED_AFTER_MS + 1) }), NOW),
    ).toBe('degraded');
    expect(
      connectionState(
        'national',
        record({ lastDeliveryAt: ago(POLL_DISCONNECTED_AFTER_MS + 1) }),
        NOW,
      ),
    ).toBe('disconnected');
  });

  it('is degraded when its polls only ever failed', () => {
    const failing = record({ lastFailureAt: ago(1_000), consecutiveFailures: 3 });
    expect(connectionState('national', failing, NOW)).toBe('degraded');
  });
});
