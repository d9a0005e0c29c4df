import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

/** Where the UI tests leave their screenshots for people to look at (git-ignored). */
export const screenshotsDir = path.resolve(__dirname, '..', '..', '..', 'screenshots', 'ui');

export const chromiumPath = '/usr/bin/chromium';

/** The variable globalSetup leaves when it could not install Chromium: the browser test fails with it. */
export const chromiumProblemVariable = 'REMOTE_BATCH_TEST_CHROMIUM_PROBLEM';

export interface UiBrowser {
  page: Page;
  /** The stack's Temporal UI page for a path under the default namespace, e.g. `workflows/<id>`. */
  open(pathInNamespace: string): Promise<void>;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a new empty profile: nothing from another run leaks in. */
export async function openUiBrowser(): Promise<UiBrowser> {
  const problem = process.env[chromiumProblemVariable];
  if (problem) throw new Error(problem);
  const uiUrl = process.env.REMOTE_BATCH_TEST_UI_URL;
  if (!uiUrl) throw new Error('REMOTE_BATCH_TEST_UI_URL is not set: the browser test runs in the e2e project, whose globalSetup starts the stack.');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'remote-batch-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1600, height: 1000 },
  });
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  fs.mkdirSync(screenshotsDir, { recursive: true });
  return {
    page,
    open: async (pathInNamespace) => {
      await page.goto(`${uiUrl}/namespaces/default/${pathInNamespace}`);
    },
    screenshot: async (name) => {
      await page.screenshot({ path: path.join(screenshotsDir, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** One browser for a test file: opened before its tests, closed after them. */
export function browserForSuite(): UiBrowser {
  let opened: UiBrowser | undefined;
  beforeAll(async () => {
    opened = await openUiBrowser();
  });
  afterAll(async () => {
    await opened?.close();
  });
  const current = () => {
    if (!opened) throw new Error('the browser did not open: see the error of beforeAll');
    return opened;
  };
  return {
    get page() {
      return current().page;
    },
    open: (pathInNamespace) => current().open(pathInNamespace),
    screenshot: (name) => current().screenshot(name),
    close: async () => undefined,
  };
}

/**
 * The UI renders summaries and details (Markdown) each in its own frame: the
 * first visible element, in the page or any of its frames, showing `text`.
 */
export async function findText(page: Page, text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const found = frame.getByText(text).first();
      if (await found.isVisible().catch(() => false)) return found;
    }
    if (Date.now() > deadline) throw new Error(`the page ${page.url()} shows no '${String(text)}'`);
    await page.waitForTimeout(250);
  }
}

/** The rendered list items that read `<name>: <value>` in the element holding `first`, as name → value. */
export async function listedValues(page: Page, first: string): Promise<Record<string, string>> {
  const item = await findText(page, new RegExp(`^\\s*${first}:`));
  const list = item.locator('xpath=ancestor::ul[1]');
  const texts = await list.locator('li').allInnerTexts();
  return Object.fromEntries(texts.map((text) => text.split(':').map((part) => part.trim())).map(([name, ...value]) => [name, value.join(':')]));
}
