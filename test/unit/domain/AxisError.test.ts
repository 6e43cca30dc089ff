import { describe, expect, it } from 'vitest';
import { AxisError, ERROR_CODES, isAxisError } from '#shared/domain/AxisError';

describe('AxisError', () => {
  it.each([
    ['NOT_XML', 400],
    ['EMPTY_BODY', 400],
    ['INVALID_STATUS_CODE', 400],
    ['INVALID_PARAMETER', 400],
    ['UNAUTHENTICATED', 401],
    ['SENDER_MISMATCH', 403],
    ['NOT_A_RECIPIENT', 403],
    ['NOT_FOUND', 404],
    ['PAYLOAD_TOO_LARGE', 413],
    ['UNKNOWN_RECIPIENT', 422],
    ['UNKNOWN_DOCUMENT', 422],
  ] as const)('%s answers HTTP %i', (code, status) => {
    const error = new AxisError(code, 'because');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'AxisError', code, httpStatus: status });
    expect(error.message).toBe('because');
  });

  it('gives every code a status in the 4xx range', () => {
    for (const status of Object.values(ERROR_CODES)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
  });

  it('keeps details and tells itself apart from other errors', () => {
    const error = new AxisError('UNKNOWN_RECIPIENT', 'who?', { unknown: ['x'] });
    expect(error.details).toEqual({ unknown: ['x'] });
    expect(isAxisError(error)).toBe(true);
    expect(isAxisError(new Error('plain'))).toBe(false);
    expect(isAxisError({ code: 'NOT_XML', httpStatus: 400 })).toBe(false);
  });
});
