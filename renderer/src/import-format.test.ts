import { describe, expect, it } from 'vitest';
import type { ImportEntryView } from '../../common/api-contract';
import {
  confirmCount,
  confirmLabel,
  entryDetail,
  entryName,
  formatBytes,
  importResultText,
  previewSummary,
} from './import-format';

function entry(index: number, patch: Partial<ImportEntryView> = {}): ImportEntryView {
  return {
    index,
    type: 'totp',
    issuer: `Issuer ${index}`,
    label: `user${index}`,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    duplicateOf: null,
    repeated: false,
    ...patch,
  };
}

describe('import-format', () => {
  it('counts what the preview would add, what is already there and what fails', () => {
    const entries = [entry(0), entry(1), entry(2, { duplicateOf: 'a1' }), entry(3, { repeated: true })];
    const errors = [{ index: 4, name: 'Broken', message: 'The secret is not Base32.' }];
    expect(previewSummary({ entries, errors, enrollments: [] })).toBe(
      '2 accounts to add, 1 already in Twofold, 1 repeated in this import, 1 can’t be imported',
    );
    expect(previewSummary({ entries: [entry(0)], errors: [], enrollments: [] })).toBe('1 account to add');
    expect(
      previewSummary({ entries: [], errors: [], enrollments: [{ index: 0, issuer: 'Idp', account: 'a', server: 'https://x' }] }),
    ).toBe('0 accounts to add, 1 push sign-in code found');
  });

  it('names the number a confirm writes, following exclusions and the duplicates choice', () => {
    const entries = [entry(0), entry(1), entry(2, { duplicateOf: 'a1' }), entry(3, { repeated: true })];
    expect(confirmCount(entries, new Set(), 'skip')).toBe(2);
    expect(confirmCount(entries, new Set([1]), 'skip')).toBe(1);
    expect(confirmCount(entries, new Set([1]), 'add-anyway')).toBe(3);
    expect(confirmCount(entries, new Set([2]), 'replace')).toBe(3);
    expect(confirmLabel(1)).toBe('Add 1 account');
    expect(confirmLabel(12_000)).toBe('Add 12,000 accounts');
  });

  it('describes entries by name and OTP settings', () => {
    expect(entryName({ issuer: 'GitHub', label: 'alice' })).toBe('GitHub (alice)');
    expect(entryName({ issuer: '', label: 'alice' })).toBe('alice');
    expect(entryName({ issuer: '', label: '' })).toBe('Unnamed account');
    expect(entryDetail({ type: 'totp', digits: 6, period: 30, algorithm: 'SHA1' })).toBe('TOTP · 6 digits · 30 s');
    expect(entryDetail({ type: 'hotp', digits: 8, period: 30, algorithm: 'SHA256' })).toBe('HOTP · 8 digits · SHA-256');
  });

  it('words the result of an import', () => {
    expect(importResultText({ added: 12, replaced: 0, skipped: 2 })).toBe('Added 12 accounts, skipped 2');
    expect(importResultText({ added: 1, replaced: 0, skipped: 0 })).toBe('Added 1 account');
    expect(importResultText({ added: 0, replaced: 0, skipped: 3 })).toBe('Added 0 accounts, skipped 3');
    expect(importResultText({ added: 0, replaced: 2, skipped: 0 })).toBe('Replaced 2 accounts');
    expect(importResultText({ added: 3, replaced: 1, skipped: 0 })).toBe('Added 3 accounts, replaced 1');
  });

  it('gives file sizes in bytes, KB or MB', () => {
    expect(formatBytes(912)).toBe('912 bytes');
    expect(formatBytes(14_540)).toBe('14.2 KB');
    expect(formatBytes(3_250_586)).toBe('3.1 MB');
  });
});
