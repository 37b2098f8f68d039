import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../../../tests/fixtures/node-bundle';
import { deriveEnteKeyInThread } from './ente';
import { deriveEnteKeyInWorker } from './ente-kdf-worker';

// The thread script is bundled as scripts/build.mjs bundles it, so the test runs what the app runs.
let dir: string;
let script: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'twofold-ente-kdf-'));
  script = join(dir, 'ente-kdf-thread.cjs');
  bundleForNode(join(import.meta.dirname, 'ente-kdf-thread.ts'), script);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('deriveEnteKeyInWorker', () => {
  const password = new TextEncoder().encode('correct horse battery staple');
  const salt = new Uint8Array(16).map((_, i) => i * 7);

  it('derives in a worker thread the same key as libsodium does in this thread', async () => {
    const inWorker = await deriveEnteKeyInWorker(script)(password, salt, 2, 8 * 1024 * 1024);
    const inThread = await deriveEnteKeyInThread(password, salt, 2, 8 * 1024 * 1024);
    expect(inWorker).toHaveLength(32);
    expect(Buffer.from(inWorker).toString('hex')).toBe(Buffer.from(inThread).toString('hex'));
  });

  it('gives a clear import error, not a crash, when the thread script is missing', async () => {
    await expect(deriveEnteKeyInWorker(join(dir, 'missing.cjs'))(password, salt, 2, 8192)).rejects.toMatchObject({
      code: 'IMPORT_INVALID',
      message: expect.stringContaining('Ente Auth export') as unknown,
    });
  });

  it('gives a clear import error when libsodium refuses the parameters', async () => {
    // A memory limit below libsodium's minimum makes crypto_pwhash throw inside the worker.
    await expect(deriveEnteKeyInWorker(script)(password, salt, 2, 1)).rejects.toMatchObject({ code: 'IMPORT_INVALID' });
  });
});
