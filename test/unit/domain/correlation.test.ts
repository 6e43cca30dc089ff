import { describe, expect, it } from 'vitest';
import { codeKeyFor, documentCode } from '#shared/domain/correlation';

const OFFICE = '000.00.00.G22';

describe('codeKeyFor', () => {
  it.each([
    ['7816/VPCP-TTĐT', '2015/09/30'],
    [' 7816 / vpcp-ttđt ', '2015-09-30'],
    ['7816/VPCP-TTĐT', '30/09/2015'],
    ['7816/VPCP-TTĐT', '2015/9/30'],
    ['7816/VPCP-TTĐT', '2015/09/30 00:00:00'],
  ])('evens out %j promulgated %j', (code, date) => {
    expect(codeKeyFor(OFFICE, code, date)).toBe(`${OFFICE}|7816/VPCP-TTĐT|2015-09-30`);
  });

  it.each([
    [undefined, '2015/09/30'],
    ['7816/VPCP-TTĐT', undefined],
    ['', '2015/09/30'],
    [' / ', '2015/09/30'],
    ['7816/VPCP-TTĐT', 'not a date'],
  ])('gives no key for code %j and date %j', (code, date) => {
    expect(codeKeyFor(OFFICE, code, date)).toBeUndefined();
  });

  it('keeps senders apart', () => {
    expect(codeKeyFor(OFFICE, '1/X', '2015/09/30')).not.toBe(
      codeKeyFor('000.00.00.H41', '1/X', '2015/09/30'),
    );
  });
});

describe('documentCode', () => {
  it('joins CodeNumber and CodeNotation as statuses quote them', () => {
    expect(documentCode('7816', 'VPCP-TTĐT')).toBe('7816/VPCP-TTĐT');
  });

  it('gives nothing when either part is missing', () => {
    expect(documentCode('7816', undefined)).toBeUndefined();
    expect(documentCode(undefined, 'VPCP-TTĐT')).toBeUndefined();
  });
});
