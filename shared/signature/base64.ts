/**
 * Strict base64 for signature values, digests and certificates. Node's own
 * decoder skips any character it does not know, so two different texts can
 * decode to the same bytes; here anything but the alphabet, correct padding
 * and XML whitespace is refused.
 */

/** XML whitespace only: base64 in XML-DSig is often wrapped at 64 or 76 columns. */
const XML_WHITESPACE = /[ \t\r\n]/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The decoded bytes, or undefined when `text` is empty or not strict base64. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const compact = text.replace(XML_WHITESPACE, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) {
    return undefined;
  }
  const bytes = Buffer.from(compact, 'base64');
  // Non-canonical padding bits ("QR==" for "QQ==") decode silently; re-encoding tells.
  return bytes.toString('base64') === compact ? bytes : undefined;
}
