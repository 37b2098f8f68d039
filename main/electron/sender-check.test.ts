import { describe, expect, it } from 'vitest';
import { isAppUrl, isTrustedSender, type SenderFrameFacts } from './sender-check';

const mainFrame = { processId: 4, routingId: 1 };
const good: SenderFrameFacts = { url: 'app://twofold/index.html', processId: 4, routingId: 1, isTopLevel: true };

describe('isTrustedSender', () => {
  it('trusts the main window top-level frame showing the app', () => {
    expect(isTrustedSender(good, mainFrame)).toBe(true);
    expect(isTrustedSender({ ...good, url: 'app://twofold/index.html#/settings' }, mainFrame)).toBe(true);
  });

  it('refuses a frame that is gone, or a window that is gone', () => {
    expect(isTrustedSender(null, mainFrame)).toBe(false);
    expect(isTrustedSender(good, null)).toBe(false);
  });

  it('refuses an iframe, even one inside the main window', () => {
    expect(isTrustedSender({ ...good, isTopLevel: false }, mainFrame)).toBe(false);
  });

  it('refuses frames of other windows or processes', () => {
    expect(isTrustedSender({ ...good, processId: 5 }, mainFrame)).toBe(false);
    expect(isTrustedSender({ ...good, routingId: 2 }, mainFrame)).toBe(false);
  });

  it.each([
    'https://example.com/',
    'https://twofold/index.html',
    'file:///app/index.html',
    'app://evil/index.html',
    'app://twofold.evil.com/index.html',
    'app://twofold:1234/index.html',
    'app://user@twofold/index.html',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    '',
  ])('refuses the main frame once it shows %s', (url) => {
    expect(isTrustedSender({ ...good, url }, mainFrame)).toBe(false);
  });
});

describe('isAppUrl', () => {
  it('accepts app pages and refuses look-alikes', () => {
    expect(isAppUrl('app://twofold/')).toBe(true);
    expect(isAppUrl('app://twofold/index.html?x=1')).toBe(true);
    expect(isAppUrl('app://twofoldx/')).toBe(false);
    expect(isAppUrl('apps://twofold/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});
