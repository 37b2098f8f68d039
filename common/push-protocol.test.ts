/**
 * The push protocol's shapes: enrollment links (format, parse, and every refusal naming its field),
 * the server origins accepted, and the message schemas both sides share.
 */
import { describe, expect, it } from 'vitest';
import {
  DecisionClaimsSchema,
  ServerMessageSchema,
  checkServerOrigin,
  formatEnrollmentUri,
  isLoopbackHost,
  parseEnrollmentUri,
  type Enrollment,
} from './push-protocol';

const ENROLLMENT: Enrollment = {
  server: 'https://idp.example',
  code: 'AbCdEfGhIjKlMnOp_-0123456789',
  fingerprint: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
  account: 'alice+test@example.com',
  issuer: 'Example & Co (staging)',
};

function withParam(name: string, value: string | null): string {
  const uri = formatEnrollmentUri(ENROLLMENT);
  const params = new URLSearchParams(uri.slice(uri.indexOf('?') + 1));
  const entries: Record<string, string> = {};
  for (const key of ['v', 'server', 'code', 'fp', 'account', 'issuer']) {
    const current = key === name ? value : params.get(key);
    if (current !== null) entries[key] = current;
  }
  return `twofold://enroll?${new URLSearchParams(entries).toString()}`;
}

function problem(uri: string): { field: string; message: string } {
  const result = parseEnrollmentUri(uri);
  if (result.ok) throw new Error('expected a refusal');
  return result.problem;
}

describe('enrollment links', () => {
  it('round-trip through format and parse, odd characters included', () => {
    const uri = formatEnrollmentUri(ENROLLMENT);
    expect(uri.startsWith('twofold://enroll?v=1&server=https%3A%2F%2Fidp.example&')).toBe(true);
    expect(parseEnrollmentUri(uri)).toEqual({ ok: true, value: ENROLLMENT });
    const loopback = { ...ENROLLMENT, server: 'http://127.0.0.1:8443', account: 'ünïcødé 用户', issuer: '' };
    expect(parseEnrollmentUri(formatEnrollmentUri(loopback))).toEqual({ ok: true, value: loopback });
  });

  it('tolerate surrounding whitespace and an upper-case scheme', () => {
    const uri = formatEnrollmentUri(ENROLLMENT);
    expect(parseEnrollmentUri(`  ${uri}\n`)).toEqual({ ok: true, value: ENROLLMENT });
    expect(parseEnrollmentUri(uri.replace('twofold://enroll', 'TWOFOLD://ENROLL'))).toEqual({ ok: true, value: ENROLLMENT });
  });

  it('normalise the server to its origin', () => {
    const result = parseEnrollmentUri(withParam('server', 'https://IDP.example:443/some/path?x=1'));
    expect(result.ok && result.value.server).toBe('https://idp.example');
  });

  it('name the field at fault', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['otpauth://totp/x?secret=AAAA', 'scheme', /not a Twofold enrollment link/],
      ['twofold://other?v=1', 'scheme', /twofold:\/\/enroll\?/],
      [withParam('v', null), 'v', /version \(none\)/],
      [withParam('v', '2'), 'v', /version 2; this Twofold understands version 1/],
      [withParam('server', null), 'server', /is not a URL/],
      [withParam('server', 'not a url'), 'server', /is not a URL/],
      [withParam('server', 'http://idp.example'), 'server', /must use https/],
      [withParam('server', 'http://10.0.0.1'), 'server', /must use https/],
      [withParam('server', 'ws://127.0.0.1'), 'server', /must use https/],
      [withParam('server', 'https://user:pw@idp.example'), 'server', /user name or password/],
      [withParam('code', null), 'code', /code is not a valid enrollment code/],
      [withParam('code', 'short'), 'code', /not a valid enrollment code/],
      [withParam('code', 'has spaces in it, so it is bad'), 'code', /not a valid enrollment code/],
      [withParam('code', 'x'.repeat(129)), 'code', /not a valid enrollment code/],
      [withParam('fp', null), 'fp', /fp/],
      [withParam('fp', 'tooShort'), 'fp', /fp/],
      [withParam('fp', `${'a'.repeat(42)}=`), 'fp', /fp/],
      [withParam('account', 'x'.repeat(201)), 'account', /account/],
      [withParam('issuer', 'x'.repeat(101)), 'issuer', /issuer/],
    ];
    for (const [uri, field, message] of cases) {
      const found = problem(uri);
      expect(found.field, uri).toBe(field);
      expect(found.message, uri).toMatch(message);
    }
  });
});

describe('server origins', () => {
  it('accept https anywhere and http only on loopback', () => {
    expect(checkServerOrigin('https://idp.example/path')).toEqual({ ok: true, origin: 'https://idp.example' });
    for (const url of ['http://127.0.0.1:3000', 'http://127.5.6.7', 'http://localhost:8080', 'http://[::1]:9000']) {
      expect(checkServerOrigin(url).ok, url).toBe(true);
    }
    for (const url of ['http://idp.example', 'http://192.168.1.10', 'http://localhost.evil.example', 'http://127.0.0.1.evil.example', 'file:///etc/passwd', 'javascript:alert(1)']) {
      expect(checkServerOrigin(url).ok, url).toBe(false);
    }
  });

  it('recognise loopback hosts', () => {
    expect(['localhost', '127.0.0.1', '127.255.0.9', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '128.0.0.1', '::2', 'localhost.example', '127.0.0'].some(isLoopbackHost)).toBe(false);
  });
});

describe('message schemas', () => {
  it('accept the server frames and refuse anything else', () => {
    expect(ServerMessageSchema.safeParse({ type: 'ready', v: 1 }).success).toBe(true);
    expect(ServerMessageSchema.safeParse({ type: 'closed', requestId: 'request-0001', outcome: 'fraud' }).success).toBe(true);
    expect(ServerMessageSchema.safeParse({ type: 'ready', v: 2 }).success).toBe(false);
    expect(ServerMessageSchema.safeParse({ type: 'hello' }).success).toBe(false);
    expect(ServerMessageSchema.safeParse({ type: 'closed', requestId: 'request-0001', outcome: 'maybe' }).success).toBe(false);
    expect(ServerMessageSchema.safeParse({ type: 'request', jws: 'x'.repeat(16 * 1024 + 1) }).success).toBe(false);
  });

  it('bound the matching number to 0–99 and the deny reasons to the two known', () => {
    const base = { v: 1, requestId: 'request-0001', sub: 'device-0001', aud: 'https://idp.example/push/v1/decisions', iat: 1, jti: 'jti-00000001' };
    expect(DecisionClaimsSchema.safeParse({ ...base, decision: 'approve', number: 0 }).success).toBe(true);
    expect(DecisionClaimsSchema.safeParse({ ...base, decision: 'approve', number: null }).success).toBe(true);
    expect(DecisionClaimsSchema.safeParse({ ...base, decision: 'approve', number: 100 }).success).toBe(false);
    expect(DecisionClaimsSchema.safeParse({ ...base, decision: 'approve', number: 4.2 }).success).toBe(false);
    expect(DecisionClaimsSchema.safeParse({ ...base, decision: 'deny', reason: 'not-me' }).success).toBe(true);
    expect(DecisionClaimsSchema.safeParse({ ...base, decision: 'deny', reason: 'because' }).success).toBe(false);
  });
});
