import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatEnrollmentUri } from '../../../common/push-protocol';
import { createLinkHandoff, linkFromArgv, parseDeepLink, type HandoffEffect } from './deep-link';

const SECRET = 'JBSWY3DPEHPK3PXP';
const ADD = `otpauth://totp/ACME:alice%40example.com?secret=${SECRET}&issuer=ACME&digits=8`;
const ADD_2 = 'otpauth://hotp/Example:bob?secret=KRSXG5CTMVRXEZLU&counter=3';
const ENROLL_CODE = 'enrollcode_0123456789abcdef';
const ENROLL = formatEnrollmentUri({
  server: 'https://idp.example.com',
  code: ENROLL_CODE,
  fingerprint: 'A'.repeat(43),
  account: 'alice@example.com',
  issuer: 'Example IdP',
});

describe('parseDeepLink', () => {
  it('turns an otpauth:// link into an add preview without the secret', () => {
    const result = parseDeepLink(ADD);
    expect(result).toMatchObject({
      ok: true,
      value: { kind: 'add', preview: { type: 'totp', issuer: 'ACME', label: 'alice@example.com', algorithm: 'SHA1', digits: 8, period: 30 } },
    });
    if (!result.ok) return;
    expect(JSON.stringify(result.value.preview)).not.toContain(SECRET);
    expect(result.value.link.reveal()).toBe(ADD);
  });

  it('accepts hotp links and an upper-case scheme', () => {
    expect(parseDeepLink(ADD_2.replace('otpauth', 'OTPAUTH'))).toMatchObject({ ok: true, value: { kind: 'add', preview: { type: 'hotp', label: 'bob' } } });
  });

  it('turns a twofold://enroll link into an enroll preview without the enrollment code', () => {
    const result = parseDeepLink(ENROLL);
    expect(result).toMatchObject({
      ok: true,
      value: { kind: 'enroll', preview: { issuer: 'Example IdP', account: 'alice@example.com', server: 'https://idp.example.com' } },
    });
    expect(JSON.stringify(result)).not.toContain(ENROLL_CODE);
  });

  it.each([
    ['a web link', 'https://example.com/', /opens only otpauth:\/\/ links/],
    ['a Google Authenticator export', 'otpauth-migration://offline?data=abc', /opens only otpauth:\/\/ links/],
    ['another twofold:// link', 'twofold://settings', /opens only otpauth:\/\/ links/],
    ['a script', 'javascript:alert(1)', /opens only otpauth:\/\/ links/],
    ['plain text', 'not a link', /opens only otpauth:\/\/ links/],
    ['an otpauth link without a secret', 'otpauth://totp/ACME:alice', /can't be added: The URI has no secret parameter/],
    ['an unknown OTP type', 'otpauth://push/ACME:alice?secret=JBSWY3DPEHPK3PXP', /Unknown OTP type/],
    ['an enrollment over plain http', ENROLL.replace('https%3A', 'http%3A'), /enrollment link can't be used: The server address must use https/],
    ['an overlong link', `otpauth://totp/a?secret=${'A'.repeat(5000)}`, /longer than 4096 characters/],
  ])('refuses %s with a reason', (_name, link, reason) => {
    const result = parseDeepLink(link);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('never puts the secret into a refusal', () => {
    const result = parseDeepLink(`otpauth://totp/ACME:alice?secret=${SECRET}1&issuer=ACME`);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('keeps the link out of strings, JSON and console output', () => {
    const result = parseDeepLink(ADD);
    if (!result.ok) throw new Error('expected a valid link');
    const { link } = result.value;
    expect(`${link}`).toBe('[link]');
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(inspect(result, { depth: 10 })).not.toContain(SECRET);
  });
});

describe('linkFromArgv', () => {
  it('finds the link Windows appends to a packaged app', () => {
    expect(linkFromArgv(['C:\\Program Files\\Twofold\\Twofold.exe', '--allow-file-access-from-files', ADD], 'win32')).toBe(ADD);
  });

  it('skips the app path of a development run and Chromium flags after the link', () => {
    expect(linkFromArgv(['/usr/lib/electron/electron', '/home/a/twofold', ENROLL, '--original-process-start-time=1'], 'linux')).toBe(ENROLL);
  });

  it('takes the last link when there are several', () => {
    expect(linkFromArgv(['twofold', ADD, ADD_2], 'linux')).toBe(ADD_2);
  });

  it('ignores other schemes, flags that look like links, and a first argument that happens to be one', () => {
    expect(linkFromArgv([ADD, '--url=otpauth://totp/x', 'https://example.com', 'C:\\otpauth\\file.txt'], 'win32')).toBeNull();
  });

  it('returns null on macOS, where links come through open-url', () => {
    expect(linkFromArgv(['/Applications/Twofold.app/Contents/MacOS/Twofold', ADD], 'darwin')).toBeNull();
  });
});

/** A hand-off with a movable clock. */
function handoff(options: { maxQueued?: number } = {}) {
  let now = 1_000_000;
  const h = createLinkHandoff({ now: () => now, ...options });
  return { h, advance: (ms: number) => (now += ms) };
}

/** Effects as a user would describe them. */
function describeEffects(effects: HandoffEffect[]): string[] {
  return effects.map((e) =>
    e.type === 'focus-window' ? 'focus' : e.type === 'show-link' ? `show ${e.link.kind} ${e.link.kind === 'add' ? e.link.preview.issuer : e.link.preview.server}` : `refuse: ${e.reason}`,
  );
}

/** A running instance with its window up and the vault unlocked. */
function running() {
  const made = handoff();
  made.h.appReady();
  made.h.windowReady();
  made.h.unlocked();
  return made;
}

describe('createLinkHandoff', () => {
  it('shows a link at once when the window is up and the vault unlocked', () => {
    const { h } = running();
    expect(describeEffects(h.receive(ADD))).toEqual(['focus', 'show add ACME']);
    expect(h.waiting()).toBe(0);
  });

  it('holds a link that arrives on macOS before the app is ready, and shows it once the vault is unlocked', () => {
    const { h } = handoff();
    expect(h.receive(ADD)).toEqual([]);
    expect(describeEffects(h.appReady())).toEqual(['focus']);
    expect(h.windowReady()).toEqual([]);
    expect(h.waiting()).toBe(1);
    expect(describeEffects(h.unlocked())).toEqual(['show add ACME']);
    expect(h.waiting()).toBe(0);
  });

  it('brings a locked window up for a link, and shows it after unlocking', () => {
    const { h } = handoff();
    h.appReady();
    h.windowReady();
    expect(describeEffects(h.receive(ENROLL))).toEqual(['focus']);
    expect(describeEffects(h.unlocked())).toEqual(['show enroll https://idp.example.com']);
  });

  it('keeps the arrival order of several waiting links', () => {
    const { h } = handoff();
    h.receive(ADD);
    h.receive(ENROLL);
    h.receive(ADD_2);
    h.appReady();
    h.unlocked();
    expect(describeEffects(h.windowReady())).toEqual(['show add ACME', 'show enroll https://idp.example.com', 'show add Example']);
  });

  it('shows a refusal as soon as there is a window, even while links wait for the unlock', () => {
    const { h } = handoff();
    h.receive(ADD);
    h.receive('https://evil.example/');
    h.appReady();
    expect(describeEffects(h.windowReady())).toEqual([expect.stringMatching(/^refuse: Twofold opens only otpauth/)]);
    expect(h.waiting()).toBe(1);
  });

  it('shows the same link only once when it arrives twice', () => {
    const { h } = handoff();
    h.receive(ADD);
    h.receive(ADD);
    h.appReady();
    h.windowReady();
    expect(describeEffects(h.unlocked())).toEqual(['show add ACME']);
  });

  it('only focuses the window when a link shown a moment ago is opened again, and shows it again later', () => {
    const { h, advance } = running();
    h.receive(ADD);
    advance(2_000);
    expect(describeEffects(h.receive(ADD))).toEqual(['focus']);
    advance(10_000);
    expect(describeEffects(h.receive(ADD))).toEqual(['focus', 'show add ACME']);
  });

  it('bounds the queue and says how many links were not opened', () => {
    const { h } = handoff({ maxQueued: 2 });
    const links = ['AAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBB', 'CCCCCCCCCCCCCCCC', 'DDDDDDDDDDDDDDDD'].map(
      (secret, i) => `otpauth://totp/Issuer${i}:user?secret=${secret}&issuer=Issuer${i}`,
    );
    for (const link of links) h.receive(link);
    expect(h.waiting()).toBe(2);
    h.appReady();
    h.unlocked();
    expect(describeEffects(h.windowReady())).toEqual([
      'show add Issuer0',
      'show add Issuer1',
      'refuse: 2 more links arrived while Twofold was busy and were not opened. Open them again.',
    ]);
  });

  it('brings the window up for a second start without a link, once the app is ready', () => {
    const { h } = handoff();
    expect(h.activate()).toEqual([]);
    h.appReady();
    expect(describeEffects(h.activate())).toEqual(['focus']);
    expect(h.waiting()).toBe(0);
  });

  it('holds links again while the vault is locked or the window is closed', () => {
    const { h } = running();
    h.locked();
    expect(describeEffects(h.receive(ADD))).toEqual(['focus']);
    h.windowClosed();
    expect(h.unlocked()).toEqual([]);
    expect(describeEffects(h.windowReady())).toEqual(['show add ACME']);
  });
});
