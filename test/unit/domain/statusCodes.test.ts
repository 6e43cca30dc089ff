import { describe, expect, it } from 'vitest';
import {
  advancesStatus,
  isProcessingStatus,
  PROCESSING_STATUS_CODES,
  statusInfo,
} from '#shared/domain/statusCodes';

/**
 * The expected answer of advancesStatus for every (current, next) pair,
 * written out by hand from QCVN 102 rather than derived from the ranks:
 * columns are the next status in NEXT order, Y moves the current one.
 */
const NEXT = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;

const GRID: readonly (readonly [current: string | undefined, row: string])[] = [
  [undefined, 'Y Y Y Y Y Y - - -'],
  ['01', '- Y Y Y Y Y - - -'],
  ['02', '- - - - - - - - -'],
  ['03', '- - - Y Y Y - - -'],
  ['04', '- - - - Y Y - - -'],
  ['05', '- - - - Y Y - - -'],
  ['06', '- - - - - - - - -'],
];

const CASES = GRID.flatMap(([current, row]) =>
  row.split(' ').map((mark, index) => ({ current, next: NEXT[index], expected: mark === 'Y' })),
);

describe('advancesStatus', () => {
  it('covers every pair of the grid', () => {
    expect(CASES).toHaveLength(GRID.length * NEXT.length);
  });

  it.each(CASES)('current $current, next $next → $expected', ({ current, next, expected }) => {
    expect(advancesStatus(current, next)).toBe(expected);
  });

  it.each([
    ['99', undefined],
    ['00', '01'],
    ['', '03'],
    ['1', '05'],
  ])('a code outside the standard (%j) never becomes current (after %j)', (next, current) => {
    expect(advancesStatus(current, next)).toBe(false);
  });

  it('lets 05 repeat while the recipient works, and only 05', () => {
    const repeats = NEXT.filter((code) => advancesStatus(code, code));
    expect(repeats).toEqual(['05']);
  });
});

describe('statusInfo and isProcessingStatus', () => {
  it.each([
    ['01', 'Đã đến', false],
    ['02', 'Từ chối tiếp nhận', true],
    ['03', 'Đã tiếp nhận', false],
    ['04', 'Phân công', false],
    ['05', 'Đang xử lý', false],
    ['06', 'Hoàn thành', true],
  ])('%s is "%s", final: %s', (code, name, final) => {
    expect(statusInfo(code)).toMatchObject({ code, name, final });
    expect(isProcessingStatus(code)).toBe(true);
  });

  it.each(['13', '15', '16'])('%s is a known code that is not a processing status', (code) => {
    expect(statusInfo(code)?.code).toBe(code);
    expect(isProcessingStatus(code)).toBe(false);
  });

  it.each(['99', '1', '001', ''])('%j is unknown', (code) => {
    expect(statusInfo(code)).toBeUndefined();
    expect(isProcessingStatus(code)).toBe(false);
  });

  it('lists the processing statuses in order', () => {
    expect([...PROCESSING_STATUS_CODES]).toEqual(['01', '02', '03', '04', '05', '06']);
  });
});
