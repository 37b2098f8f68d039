/**
 * Child process for the vault's SIGKILL test: opens the vault in <dir> through the OS slot (a test
 * keychain whose key is in <dir>/test-keychain.key) and saves payloads n+1, n+2, ... forever,
 * printing `ack <n>` once each save has resolved. The parent kills it at a random moment.
 *
 * Usage: node --import tsx tests/harness/vault-writer-child.ts <dir>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestKeychain } from '../../main/core/vault/test-keychain';
import { VaultFile } from '../../main/core/vault/vault-file';

// The payload is `{"n":<counter>,"pad":"xxx…"}`, padded so each save writes a realistic amount.
// main/core/vault/vault-crash.test.ts reads and seeds the same shape.
function encodeCounter(n: number): Uint8Array {
  return Buffer.from(JSON.stringify({ n, pad: 'x'.repeat(16 * 1024) }), 'utf8');
}

function decodeCounter(payload: Uint8Array): number {
  const parsed = JSON.parse(Buffer.from(payload).toString('utf8')) as { n?: unknown };
  if (typeof parsed.n !== 'number') throw new Error('payload holds no counter');
  return parsed.n;
}

async function main(dir: string): Promise<void> {
  const keychain = createTestKeychain(readFileSync(join(dir, 'test-keychain.key')));
  const vault = await new VaultFile({ dir, keychain }).unlockWithOs();
  let n = decodeCounter(vault.payload);
  process.stdout.write(`ready ${n}\n`);
  for (;;) {
    n += 1;
    await vault.save(encodeCounter(n));
    // Written only after save() resolved, so every ack the parent reads is a durable write.
    process.stdout.write(`ack ${n}\n`);
  }
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: vault-writer-child.ts <dir>\n');
  process.exit(2);
}
main(dir).catch((error: unknown) => {
  process.stderr.write(`vault-writer-child: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
