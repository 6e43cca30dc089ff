import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAgencyDirectory } from '#shared/adapters/dynamodb/DynamoAgencyDirectory';
import { DynamoAuditLog } from '#shared/adapters/dynamodb/DynamoAuditLog';
import { DynamoConnectionLog } from '#shared/adapters/dynamodb/DynamoConnectionLog';
import { DynamoOperatorStore } from '#shared/adapters/dynamodb/DynamoOperatorStore';
import { AxisClient } from '#shared/client/AxisClient';
import { type AgencyCredential, generateAgencyKey } from '#shared/client/signRequest';
import { NATIONAL_AXIS_CONNECTION } from '#shared/domain/records';
import { createOperator } from '#shared/services/operators';
import { registerAgency } from '#shared/services/registerAgency';
import { startWebhookReceiver, type WebhookReceiver } from '../integration/helpers/webhookReceiver';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  NGHE_AN,
  sample,
  TEST_KEY_ID,
  THREE_PROVINCES_FILE,
} from '../support/agencies';
import { waitFor } from '../support/waitFor';
import { type RunningAxis, startTestRuntime } from './helpers/localAxis';
import { eventually, wholeInbox } from './helpers/polling';

/**
 * The operator console in headless Chromium against the local runtime. The
 * Government Office sends the three-province sample: Nghệ An's webhook takes
 * it and reports 01 and 03, Cao Bằng reads its inbox, and Hải Phòng's webhook
 * answers 500 until the route message is dead-lettered; the link to the
 * national axis has had one poll fail. An operator then opens /console,
 * gives the token and reads what the console shows. Tests run in order and
 * build on each other. With LIENTHONG_CONSOLE_SCREENSHOT set to a file name,
 * the screenshot is also copied there, to look at.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Vietnamese names, and one with markup in it that must be shown as text. */
const NAMES: Record<string, string> = {
  [GOVERNMENT_OFFICE]: 'Văn phòng Chính phủ',
  [NGHE_AN]: 'UBND tỉnh Nghệ An',
  [CAO_BANG]: 'UBND tỉnh Cao Bằng',
  [HAI_PHONG]: 'Sở Thông tin và Truyền thông Hải Phòng <img src=x onerror="document.title=1">',
};

/** The reached steps of a document delivered to Nghệ An, which reported 01 then 03. */
const NGHE_AN_REACHED = ['received', 'verified', 'delivered', '01', '03'];
const NGHE_AN_NOT_REACHED = ['04', '05', '06'];

/** The first eight bytes of every PNG file. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let running: RunningAxis;
let hooks: WebhookReceiver;
let origin: string;
let operatorToken: string;
let documentId: string;
let profileDir: string;
let screenshotDir: string;
let browser: BrowserContext;
let page: Page;
const clients = new Map<string, AxisClient>();
/** Every URL the browser asked for, from any tab. */
const requested: string[] = [];
/** Script errors and policy violations ("Refused to …") the pages reported. */
const pageProblems: string[] = [];

const client = (agencyId: string) => {
  const found = clients.get(agencyId);
  if (!found) throw new Error(`no client for ${agencyId}`);
  return found;
};

/** Registers an agency under its Vietnamese name with a fresh key, as the operator tool does. */
async function registerNamed(agencyId: string, webhookUrl?: string): Promise<AgencyCredential> {
  const { privateKey, publicKeySpki } = generateAgencyKey();
  await registerAgency(
    {
      directory: new DynamoAgencyDirectory(running.axis.provisioned.tables.agencies),
      clock: { now: () => new Date() },
    },
    {
      agencyId,
      name: NAMES[agencyId] ?? agencyId,
      ...(webhookUrl ? { webhookUrl } : {}),
      keys: [{ keyId: TEST_KEY_ID, publicKeySpki }],
      signaturePolicy: 'report',
    },
    { allowLoopbackHttp: true },
  );
  return { agencyId, keyId: TEST_KEY_ID, privateKey };
}

/** A new tab of the browser, watched for script errors and policy violations. */
async function newTab(): Promise<Page> {
  const tab = await browser.newPage();
  tab.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
  tab.on('console', (message) => {
    // Refused loads (the 401s and the cut network asked for below) are expected;
    // anything else, such as a policy refusing a script or style, is not.
    const text = message.text();
    if (message.type() === 'error' && !text.startsWith('Failed to load resource')) {
      pageProblems.push(`console error: ${text}`);
    }
  });
  return tab;
}

/** Opens the console in `tab` and gives it `token`. */
async function signIn(tab: Page, token: string): Promise<void> {
  await tab.goto(`${origin}/console`);
  await tab.locator('#token-prompt').waitFor({ state: 'visible' });
  await tab.fill('#token-input', token);
  await tab.click('#token-form button[type=submit]');
}

/**
 * Waits, at most `timeoutMs`, until `read` finds what it looks for on the
 * page, asking the console to refresh between looks instead of waiting for
 * its 15-second timer.
 */
function refreshUntil<T>(
  tab: Page,
  what: string,
  read: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  return waitFor(
    what,
    async () => {
      const found = await read();
      if (found !== undefined && found !== false) return found;
      await tab.click('#refresh-now');
      return undefined;
    },
    timeoutMs,
    300,
  );
}

const agencyRow = (tab: Page, agencyId: string) =>
  tab.locator(`#agencies-table tbody tr[data-agency-id="${agencyId}"]`);

const connectionOf = (tab: Page, agencyId: string) =>
  agencyRow(tab, agencyId).locator('td.connection .badge').textContent({ timeout: 1_000 });

beforeAll(async () => {
  running = await startTestRuntime('e2e-console', 1);
  origin = running.axis.url;
  hooks = await startWebhookReceiver();
  hooks.answerWith(HAI_PHONG, 500);
  const agencies: Array<[string, string | undefined]> = [
    [GOVERNMENT_OFFICE, hooks.urlFor(GOVERNMENT_OFFICE)],
    [NGHE_AN, hooks.urlFor(NGHE_AN)],
    [CAO_BANG, undefined],
    [HAI_PHONG, hooks.urlFor(HAI_PHONG)],
  ];
  for (const [agencyId, webhookUrl] of agencies) {
    clients.set(agencyId, new AxisClient(origin, await registerNamed(agencyId, webhookUrl)));
  }
  const { token } = await createOperator(
    {
      operators: new DynamoOperatorStore(running.axis.provisioned.tables.operators),
      audit: new DynamoAuditLog(running.axis.provisioned.tables.audit),
      clock: { now: () => new Date() },
    },
    { name: 'Trực ban vận hành', actor: 'e2e-console' },
  );
  operatorToken = token;

  profileDir = mkdtempSync(join(tmpdir(), 'lienthong-chromium-'));
  screenshotDir = mkdtempSync(join(tmpdir(), 'lienthong-console-shots-'));
  // Playwright takes the profile directory as its own parameter, not as --user-data-dir.
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  browser.setDefaultTimeout(10_000);
  browser.on('request', (request) => requested.push(request.url()));
  page = await newTab();
});

afterAll(async () => {
  await browser?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (screenshotDir) rmSync(screenshotDir, { recursive: true, force: true });
  await hooks?.close();
  await running?.stop();
});

describe('the operator console', () => {
  it('serves a page with no data, allowed to run only its own script and style', async () => {
    const response = await fetch(`${origin}/console`);
    const html = await response.text();
    const policy = response.headers.get('content-security-policy') ?? '';

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const directives = new Map(
      policy.split(';').map((directive) => {
        const [name = '', ...values] = directive.trim().split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
    );
    const inline = (tag: string) => {
      const found = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html);
      if (!found) throw new Error(`no inline ${tag} in the page`);
      return `'sha256-${createHash('sha256')
        .update(found[1] ?? '', 'utf8')
        .digest('base64')}'`;
    };
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe(inline('script'));
    expect(directives.get('style-src')).toBe(inline('style'));
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('img-src')).toBe("'self' data:");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(policy).not.toContain('unsafe');
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]*\s(src|href)=/i);
    expect(html).not.toContain(GOVERNMENT_OFFICE);
  });

  it('carries a real exchange: one webhook takes the document, another answers 500', async () => {
    const document = sample(THREE_PROVINCES_FILE);
    ({ documentId } = await client(GOVERNMENT_OFFICE).submitDocument(document));
    await eventually('the delivery to Nghệ An', () => hooks.postsFor(NGHE_AN).length > 0);
    for (const file of ['status_inbox_01.edxml', 'status_acceptance_03.edxml']) {
      await client(NGHE_AN).reportStatus(sample(file));
    }
    await eventually('both statuses at the Government Office', () =>
      hooks.postsFor(GOVERNMENT_OFFICE).length >= 2 ? true : undefined,
    );
    await eventually('the document in Cao Bằng inbox', async () =>
      (await wholeInbox(client(CAO_BANG))).some((item) => item.messageId === documentId),
    );
    const { maxReceiveCount } = running.axis.provisioned.queues.route;
    await eventually('every attempt at Hải Phòng answered 500', () =>
      hooks.postsFor(HAI_PHONG).length >= maxReceiveCount ? true : undefined,
    );
    // What the federation function records when a poll of the national axis fails.
    await new DynamoConnectionLog(running.axis.provisioned.tables.connections).recordFailure(
      NATIONAL_AXIS_CONNECTION,
      new Date().toISOString(),
      'national axis answered 503',
    );
    const timeline = await client(GOVERNMENT_OFFICE).timeline(documentId);
    expect(timeline.recipients.find((line) => line.agencyId === NGHE_AN)?.delivery).toMatchObject({
      state: 'delivered',
    });
  });

  it('asks for the token before it shows anything', async () => {
    await page.goto(`${origin}/console`);

    await expect(page.locator('#token-prompt').isVisible()).resolves.toBe(true);
    await expect(page.locator('#console').isHidden()).resolves.toBe(true);
    await expect(page.locator('#token-error').isHidden()).resolves.toBe(true);
  });

  it('shows each agency connected, degraded or unknown, with a badge and its text', async () => {
    await page.fill('#token-input', operatorToken);
    await page.click('#token-form button[type=submit]');

    const { maxReceiveCount } = running.axis.provisioned.queues.route;
    await refreshUntil(page, 'Hải Phòng degraded after its failed attempts', async () => {
      const failures = await agencyRow(page, HAI_PHONG)
        .locator('td.failures')
        .textContent({ timeout: 1_000 })
        .catch(() => undefined);
      return Number(failures) >= maxReceiveCount;
    });
    await refreshUntil(page, 'Nghệ An, Cao Bằng and the Government Office connected', async () => {
      const states = await Promise.all(
        [NGHE_AN, CAO_BANG, GOVERNMENT_OFFICE].map((id) => connectionOf(page, id).catch(() => '')),
      );
      return states.every((state) => state === 'connected');
    });

    expect(await connectionOf(page, HAI_PHONG)).toBe('degraded');
    const national = agencyRow(page, NATIONAL_AXIS_CONNECTION);
    expect(await national.getAttribute('class')).toBe('national');
    expect(await national.locator('th').textContent()).toContain('national axis');
    expect(await connectionOf(page, NATIONAL_AXIS_CONNECTION)).toBe('degraded');
    expect(await national.locator('.reason').textContent()).toBe('national axis answered 503');
    const failing = agencyRow(page, HAI_PHONG);
    expect(await failing.locator('.badge').getAttribute('class')).toContain('state-warn');
    expect(await failing.locator('td.failures').textContent()).toBe(String(maxReceiveCount));
    expect(await failing.locator('.reason').textContent()).toContain('500');
    const healthy = agencyRow(page, NGHE_AN);
    expect(await healthy.locator('.badge').getAttribute('class')).toContain('state-ok');
    expect(await healthy.locator('td').nth(2).textContent()).toMatch(/\d{4}-\d{2}-\d{2} /);
    expect(await healthy.locator('th').textContent()).toContain('UBND tỉnh Nghệ An');
    expect(await agencyRow(page, CAO_BANG).locator('td').first().textContent()).toBe('pull inbox');
    expect(await agencyRow(page, CAO_BANG).locator('td').nth(3).textContent()).toMatch(/^\d{4}-/);
  });

  it('shows names from outside as text, never as markup', async () => {
    const name = await agencyRow(page, HAI_PHONG).locator('th .name').textContent();

    expect(name).toBe(NAMES[HAI_PHONG]);
    expect(await page.locator('#agencies-table img').count()).toBe(0);
    expect(await page.title()).toContain('Operator console');
  });

  it('shows the queues, with the dead-lettered route message made prominent', async () => {
    const deadLetters = await refreshUntil(page, 'the route dead letter on the page', async () => {
      const cell = page.locator('#queues-table tr[data-queue="route"] .dead-letters.nonzero');
      return (await cell.count()) > 0 ? cell.textContent() : undefined;
    });

    expect(deadLetters).toMatch(/^1\b/);
    for (const queue of ['verify', 'route']) {
      const row = page.locator(`#queues-table tr[data-queue="${queue}"]`);
      expect(await row.locator('td.waiting').textContent()).toMatch(/^\d+$/);
      expect(await row.locator('td.in-flight').textContent()).toMatch(/^\d+$/);
    }
    expect(
      await page.locator('#queues-table tr[data-queue="verify"] .dead-letters').textContent(),
    ).toBe('0');
    const flow = page.locator('#flow-picture');
    expect(await flow.getAttribute('role')).toBe('img');
    expect(await flow.getAttribute('aria-label')).toContain('the route queue');
    expect(await flow.locator('g[data-queue="route"] .depth.nonzero').textContent()).toMatch(/^1/);
    expect(await flow.locator('g[data-queue="verify"] .depth').first().textContent()).toMatch(
      /^\d+ waiting · \d+ in flight$/,
    );
  });

  it('lists the document with its sender, state and each recipient’s status', async () => {
    const row = page.locator(`#documents-table tbody tr[data-document-id="${documentId}"]`);
    await refreshUntil(page, 'the document in recent documents', async () => {
      return (await row.count()) > 0;
    });

    expect(await row.locator('td').nth(1).textContent()).toContain('Văn phòng Chính phủ');
    expect(await row.locator('td').nth(2).textContent()).toBe('verified');
    const recipients = row.locator('.recipients li');
    expect(await recipients.count()).toBe(3);
    expect(await row.locator(`li[data-agency-id="${NGHE_AN}"]`).textContent()).toContain(
      'delivered 03 Đã tiếp nhận',
    );
    expect(await row.locator(`li[data-agency-id="${HAI_PHONG}"] .badge`).textContent()).toBe(
      'dead',
    );
  });

  it('draws each recipient’s path when the document is clicked', async () => {
    await page.click(`#documents-table tbody tr[data-document-id="${documentId}"] button`);
    const path = page.locator(`#detail-pictures svg.recipient-path[data-agency-id="${NGHE_AN}"]`);
    await path.waitFor({ state: 'visible' });

    expect(await page.locator('#detail-heading').textContent()).toBe(`Document ${documentId}`);
    expect(await path.getAttribute('aria-label')).toContain('reached received, verified');
    const stateOf = (step: string) =>
      path.locator(`g[data-step="${step}"]`).getAttribute('data-state');
    for (const step of NGHE_AN_REACHED) expect(await stateOf(step), step).toBe('reached');
    for (const step of NGHE_AN_NOT_REACHED) expect(await stateOf(step), step).toBe('pending');
    const hover = await path.locator('g[data-step="03"] > title').textContent();
    expect(hover).toMatch(/^03 Đã tiếp nhận: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    const failed = page.locator(`#detail-pictures svg[data-agency-id="${HAI_PHONG}"]`);
    expect(await failed.locator('g[data-step="delivered"]').getAttribute('data-state')).toBe(
      'failed',
    );
    const timeline = await page.locator('#detail-timeline').textContent();
    expect(timeline).toContain(`delivered to ${NGHE_AN} by webhook`);
    expect(timeline).toContain(`status 03 Đã tiếp nhận from ${NGHE_AN}`);
    expect(timeline).toContain(`delivery to ${HAI_PHONG}: dead after`);
  });

  it('saves a readable screenshot', async () => {
    const file = join(screenshotDir, 'console.png');
    await page.screenshot({ path: file, fullPage: true });
    const copyTo = process.env.LIENTHONG_CONSOLE_SCREENSHOT;
    if (copyTo) copyFileSync(file, copyTo);

    const png = readFileSync(file);
    expect(png.length).toBeGreaterThan(10_000);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('keeps the data and shows a banner when the axis cannot be reached', async () => {
    const before = await page.locator('#refreshed-at').getAttribute('datetime');
    await page.route('**/v1/operator/**', (route) => route.abort('internetdisconnected'));
    await page.click('#refresh-now');
    const banner = page.locator('#banner');
    await banner.waitFor({ state: 'visible' });

    expect(await banner.textContent()).toContain('Network error');
    expect(await page.locator('#refreshed-at').getAttribute('datetime')).toBe(before);
    expect(await agencyRow(page, NGHE_AN).count()).toBe(1);

    await page.unroute('**/v1/operator/**');
    await page.click('#refresh-now');
    await banner.waitFor({ state: 'hidden' });
  });

  it('refreshes by itself every 15 seconds', async () => {
    const tab = await newTab();
    await tab.clock.install();
    await signIn(tab, operatorToken);
    await tab.locator('#refreshed-at').waitFor({ state: 'visible' });
    const reads = () => requested.filter((url) => url === `${origin}/v1/operator/agencies`).length;
    const before = reads();

    await tab.clock.runFor(15_000);

    await eventually('a refresh after 15 s', () => reads() > before, 10_000);
    await tab.close();
  });

  it('asks for the token again, with an error, when the axis refuses it', async () => {
    const tab = await newTab();
    await signIn(tab, `lto_nobody_${'A'.repeat(43)}`);
    const error = tab.locator('#token-error');
    await error.waitFor({ state: 'visible' });

    expect(await error.textContent()).toContain('401');
    expect(await tab.locator('#token-prompt').isVisible()).toBe(true);
    expect(await tab.locator('#console').isHidden()).toBe(true);
    expect(await tab.evaluate('window.sessionStorage.length')).toBe(0);
    await tab.close();
  });

  it('asked nothing of any host but the axis, and broke none of its own rules', () => {
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    expect(pageProblems).toEqual([]);
  });
});
