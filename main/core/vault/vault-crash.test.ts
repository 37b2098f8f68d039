import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestKeychain } from './test-keychain';
import { VaultFile } from './vault-file';
import { parseVault } from './vault-format';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = join(ROOT, 'tests', 'harness', 'vault-writer-child.ts');
const ITERATIONS = 15;

// The child (tests/harness/vault-writer-child.ts) saves payloads of this shape: {"n":<counter>,"pad":"…"}.
function encodeCounter(n: number): Uint8Array {
  return Buffer.from(JSON.stringify({ n, pad: 'x'.repeat(16 * 1024) }), 'utf8');
}

function decodeCounter(payload: Uint8Array): number {
  const parsed = JSON.parse(Buffer.from(payload).toString('utf8')) as { n?: unknown };
  if (typeof parsed.n !== 'number') throw new Error('payload holds no counter');
  return parsed.n;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'twofold-crash-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one writer child, SIGKILLs it 20–300 ms after its first ack, and returns the last ack it printed. */
function runAndKill(vaultDir: string): Promise<{ lastAck: number; acks: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, vaultDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastAck = -1;
    let acks = 0;
    let stderr = '';
    let killScheduled = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^ack (\d+)$/.exec(line);
      if (!match) return;
      lastAck = Number(match[1]);
      acks += 1;
      if (!killScheduled) {
        killScheduled = true;
        // The random delay is the stimulus (a kill at an arbitrary point of a write), not a wait.
        setTimeout(() => child.kill('SIGKILL'), 20 + Math.floor(Math.random() * 280));
      }
    });
    child.on('error', reject);
    // 'close' fires after stdout is drained, so every ack the child wrote has been seen.
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ lastAck, acks });
      else reject(new Error(`writer child exited (code ${code}) before it was killed: ${stderr}`));
    });
  });
}

describe('a writer killed with SIGKILL during saves', () => {
  it('leaves a vault that loads, with no acknowledged write lost', async () => {
    const vaultDir = join(dir, 'vault');
    const keychainKey = randomBytes(32);
    const keychain = createTestKeychain(keychainKey);
    const file = new VaultFile({ dir: vaultDir, keychain });
    (await file.create(encodeCounter(0), { passphrase: null, useOsSlot: true })).close();
    writeFileSync(join(vaultDir, 'test-keychain.key'), keychainKey);

    let totalAcks = 0;
    for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
      const { lastAck, acks } = await runAndKill(vaultDir);
      totalAcks += acks;
      expect(await file.inspect()).toEqual({ state: 'present', slots: ['os'] });
      const vault = await file.unlockWithOs();
      const n = decodeCounter(vault.payload);
      vault.close();
      // At least the last acknowledged save; at most the one in flight when the kill came.
      expect(n).toBeGreaterThanOrEqual(lastAck);
      expect(n).toBeLessThanOrEqual(lastAck + 1);
      // The previous copy is whole too, so a later restore has something to restore.
      expect(() => parseVault(readFileSync(file.previousPath))).not.toThrow();
      // Unlocking cleared the dead writer's temp files.
      expect(readdirSync(vaultDir).filter((name) => name.includes('.tmp-'))).toEqual([]);
    }
    expect(totalAcks).toBeGreaterThan(ITERATIONS);
  });
});
