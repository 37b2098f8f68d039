/**
 * One Chromium per e2e test file: launched before the file's tests, closed after them. Call at the
 * top level of a test file; the returned function gives the running browser inside tests and hooks.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../harness/bridge';

export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not running: useChromium() launches it in beforeAll.');
    return browser;
  };
}
