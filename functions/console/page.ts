import { createHash } from 'node:crypto';
import { CONSOLE_BODY } from './markup';
import { CONSOLE_SCRIPT } from './script';
import { CONSOLE_STYLES } from './styles';

/** `'sha256-…'` of an inline script or stylesheet, as Content-Security-Policy names it. */
export function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/**
 * The policy the page is served with: nothing loads but the page's own
 * script and stylesheet (by hash, computed here once per cold start), data
 * comes from this origin only, and no one may frame the page. Trusted Types
 * with no policy make any HTML string sink (innerHTML and the like) throw.
 */
export function contentSecurityPolicy(script: string, styles: string): string {
  return [
    "default-src 'none'",
    `script-src ${cspHash(script)}`,
    `style-src ${cspHash(styles)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

/** The whole page: one document, its stylesheet and script inline, no data in it. */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Operator console — Trục liên thông văn bản</title>
<style>${CONSOLE_STYLES}</style>
</head>
<body>
${CONSOLE_BODY}
<script>${CONSOLE_SCRIPT}</script>
</body>
</html>
`;

/** Response headers of the page. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': contentSecurityPolicy(CONSOLE_SCRIPT, CONSOLE_STYLES),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};
