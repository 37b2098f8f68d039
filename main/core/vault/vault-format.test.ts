import { describe, expect, it } from 'vitest';
import { TwofoldError } from '../../../common/errors';
import { decodeStrictBase64, parseVault } from './vault-format';

function parseError(text: string): TwofoldError {
  try {
    parseVault(Buffer.from(text, 'utf8'));
  } catch (error) {
    if (error instanceof TwofoldError) return error;
    throw error;
  }
  throw new Error('expected parseVault to throw');
}

describe('decodeStrictBase64', () => {
  it('accepts only canonical padded base64', () => {
    expect(decodeStrictBase64('aGk=')).toEqual(Buffer.from('hi'));
    expect(decodeStrictBase64('')).toEqual(Buffer.alloc(0));
    expect(decodeStrictBase64('aGl=')).toBeNull(); // non-zero trailing bits
    expect(decodeStrictBase64('aGk')).toBeNull(); // missing padding
    expect(decodeStrictBase64('aG k=')).toBeNull();
    expect(decodeStrictBase64('aGk-')).toBeNull(); // base64url alphabet
    expect(decodeStrictBase64('aGk==')).toBeNull();
  });
});

describe('parseVault', () => {
  it('tells a file cut short from one rewritten with garbage', () => {
    expect(parseError('').code).toBe('VAULT_TRUNCATED');
    expect(parseError('   ').code).toBe('VAULT_TRUNCATED');
    expect(parseError('{"format":"twofold-vault","slots":[{"kind":"os"}').code).toBe('VAULT_TRUNCATED');
    expect(parseError('{"format":"twofold-va').code).toBe('VAULT_TRUNCATED');
    expect(parseError('{"format":}').code).toBe('VAULT_CORRUPT');
    expect(parseError('[]').code).toBe('VAULT_CORRUPT');
    expect(parseError('null').code).toBe('VAULT_CORRUPT');
  });

  it('does not quote the file in its messages', () => {
    const error = parseError('{"format":"twofold-vault","version":1,"slots":SECRETISH}');
    expect(error.code).toBe('VAULT_CORRUPT');
    expect(error.message).not.toContain('SECRETISH');
  });

  it('reports an unsupported version before anything else', () => {
    const error = parseError('{"format":"twofold-vault","version":7,"future":true}');
    expect(error.code).toBe('VAULT_UNSUPPORTED_VERSION');
    expect(error.message).toContain('version 7');
  });

  it('names the field at fault', () => {
    const error = parseError('{"format":"twofold-vault","version":1,"slots":[{"kind":"os","sealed":"AA=="}],"payload":{"iv":"AAAA","data":"AAAAAAAAAAAAAAAAAAAAAA=="}}');
    expect(error.code).toBe('VAULT_CORRUPT');
    expect(error.message).toContain('payload.iv must be 12 bytes, but is 3');
  });
});
