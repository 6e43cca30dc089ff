/**
 * How a status or business message finds its document when the edXML
 * DocumentId it names matches nothing: by the sender's OrganId, the document's
 * code (`CodeNumber/CodeNotation`) and its promulgation date. Senders write
 * these by hand, so spacing, case and date separators are evened out first.
 */

/**
 * The lookup key for (OrganId, Code, PromulgationDate), or undefined when a
 * part is missing or the date is not a recognisable calendar date.
 *
 * @example codeKeyFor('000.00.00.G22', '7816/VPCP-TTĐT', '2015/09/30')
 *   === '000.00.00.G22|7816/VPCP-TTĐT|2015-09-30'
 */
export function codeKeyFor(
  organId: string,
  code: string | undefined,
  promulgationDate: string | undefined,
): string | undefined {
  if (!code || !promulgationDate) return undefined;
  const normalisedCode = code.normalize('NFC').replace(/\s+/g, '').toUpperCase();
  const date = normaliseDate(promulgationDate);
  if (normalisedCode === '' || normalisedCode === '/' || !date) return undefined;
  return `${organId}|${normalisedCode}|${date}`;
}

/** The code a document carries in its header, as statuses quote it in `ResponseFor/Code`. */
export function documentCode(
  codeNumber: string | undefined,
  codeNotation: string | undefined,
): string | undefined {
  if (!codeNumber || !codeNotation) return undefined;
  return `${codeNumber}/${codeNotation}`;
}

/** `yyyy/MM/dd`, `yyyy-MM-dd` or `dd/MM/yyyy` (the forms seen in traffic) as `yyyy-MM-dd`. */
function normaliseDate(value: string): string | undefined {
  const trimmed = value.trim();
  const yearFirst = /^(\d{4})\D(\d{1,2})\D(\d{1,2})/.exec(trimmed);
  const dayFirst = /^(\d{1,2})\D(\d{1,2})\D(\d{4})/.exec(trimmed);
  const [year, month, day] = yearFirst
    ? [yearFirst[1], yearFirst[2], yearFirst[3]]
    : dayFirst
      ? [dayFirst[3], dayFirst[2], dayFirst[1]]
      : [];
  if (!year || !month || !day) return undefined;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}
