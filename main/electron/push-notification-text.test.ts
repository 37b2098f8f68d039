import { describe, expect, it } from 'vitest';
import { describeRequestNotification } from './push-notification-text';

const view = {
  id: 'req12345',
  accountId: 'acc12345',
  issuer: 'Example IdP',
  account: 'alice@example.com',
  server: 'https://idp.example',
  application: 'Example Portal',
  browser: 'Chrome 156',
  os: 'Linux',
  ip: '203.0.113.9',
  location: 'Berlin, DE',
  createdAt: 0,
  expiresAt: 60_000,
  numberMatching: true,
};

describe('describeRequestNotification', () => {
  it('says who is asking and from where, and asks for the number', () => {
    expect(describeRequestNotification(view)).toEqual({
      title: 'Sign-in request: Example IdP (alice@example.com)',
      body: 'Example Portal · Chrome 156 on Linux · Berlin, DE · 203.0.113.9\nOpen Twofold and type the number shown on the sign-in page.',
    });
  });

  it('leaves out empty parts and the number hint when there is no number matching', () => {
    expect(describeRequestNotification({ ...view, issuer: '', os: '', location: '', numberMatching: false })).toEqual({
      title: 'Sign-in request: alice@example.com',
      body: 'Example Portal · Chrome 156 · 203.0.113.9',
    });
  });
});
