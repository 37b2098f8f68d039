/**
 * Bench workloads of issue 4: importing a 10,000-entry file (the core's import.preview and
 * import.confirm, as the app calls them), and a full encrypted backup of 1,000 accounts.
 * Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { formatOtpauthUri } from '../../common/otpauth-uri';
import { deriveBackupKey, encodeBackup, type BackupAccount } from '../../main/core/backup/backup-format';
import { createCore } from '../../main/core/core';
import type { Keychain } from '../../main/core/ports';
import { createMemorySettingsStore } from '../../main/core/settings-file';
import { replaceFiles } from '../../main/core/vault/atomic-write';
import { buildAegisFile } from '../fixtures/aegis-file';
import { MemoryClipboard } from '../harness/bridge';
import { benchAccountParams } from './bench-accounts';
import { formatRow } from './stats';

const IMPORT_ENTRIES = 10_000;
const IMPORT_RUNS = 10;
const BACKUP_ACCOUNTS = 1000;
const BACKUP_RUNS = 40;
const KDF_RUNS = 5;

/** A keychain held in process memory, so a fresh vault opens by its OS slot and scrypt is not measured. */
function memoryKeychain(): Keychain {
  const sealed = new Map<string, Uint8Array>();
  return {
    status: () => ({ available: true }),
    encrypt: async (plain) => {
      const token = randomBytes(8).toString('hex');
      sealed.set(token, Uint8Array.from(plain));
      return new TextEncoder().encode(token);
    },
    decrypt: async (data) => {
      const plain = sealed.get(new TextDecoder().decode(data));
      if (!plain) throw new Error('unknown keychain token');
      return plain;
    },
  };
}

/** Preview, confirm, and both, of one file into fresh vaults; one sample of each per run. */
async function benchImportOf(name: string, fileName: string, bytes: Uint8Array): Promise<void> {
  const source = { kind: 'file' as const, name: fileName, dataBase64: Buffer.from(bytes).toString('base64') };
  const preview: number[] = [];
  const confirm: number[] = [];
  const total: number[] = [];
  const warmup = 2;
  for (let run = 0; run < warmup + IMPORT_RUNS; run++) {
    const dir = mkdtempSync(join(tmpdir(), 'twofold-bench-import-'));
    const core = createCore({ vaultDir: dir, keychain: memoryKeychain(), clock: { now: () => Date.now() }, clipboard: new MemoryClipboard(), settings: createMemorySettingsStore() });
    try {
      await core.api.vault.create({ passphrase: null, useOsSlot: true });
      const t0 = performance.now();
      const shown = await core.api.import.preview({ source, passphrase: null, addTo: null });
      const t1 = performance.now();
      const result = await core.api.import.confirm({ previewId: shown.previewId, duplicates: 'skip', exclude: [] });
      const t2 = performance.now();
      if (result.added !== IMPORT_ENTRIES) throw new Error(`the bench imported ${result.added} of ${IMPORT_ENTRIES} accounts`);
      if (run < warmup) continue; // the first runs warm the JIT and the file cache
      preview.push(t1 - t0);
      confirm.push(t2 - t1);
      total.push(t2 - t0);
    } finally {
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const kb = (bytes.length / 1024).toFixed(0);
  console.log(formatRow(`import: ${name}: preview (${kb} KB)`, preview));
  console.log(formatRow(`import: ${name}: confirm (add + save)`, confirm));
  console.log(formatRow(`import: ${name}: preview + confirm`, total));
}

async function benchImport(): Promise<void> {
  const params = benchAccountParams(IMPORT_ENTRIES);
  const aegis = new TextEncoder().encode(await buildAegisFile(params));
  await benchImportOf(`${IMPORT_ENTRIES.toLocaleString('en-US')}-entry plain Aegis`, 'aegis-export.json', aegis);
  const uris = new TextEncoder().encode(params.map(formatOtpauthUri).join('\n') + '\n');
  await benchImportOf(`${IMPORT_ENTRIES.toLocaleString('en-US')}-line otpauth list`, 'otpauth-links.txt', uris);
}

async function benchBackup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-bench-backup-'));
  try {
    const accounts: BackupAccount[] = benchAccountParams(BACKUP_ACCOUNTS).map((p, i) => ({ ...p, color: null, pinned: i < 5 }));
    const passphrase = 'correct horse battery staple';
    const derive: number[] = [];
    for (let i = 0; i < KDF_RUNS; i++) {
      const t0 = performance.now();
      await deriveBackupKey(passphrase);
      derive.push(performance.now() - t0);
    }
    // Automatic backups keep the derived key, so each backup pays only for encryption and the write.
    const key = await deriveBackupKey(passphrase);
    const path = join(dir, 'twofold-backup.twofold');
    const encode: number[] = [];
    const write: number[] = [];
    const total: number[] = [];
    let bytes = 0;
    for (let run = 0; run < 3 + BACKUP_RUNS; run++) {
      const t0 = performance.now();
      const data = encodeBackup(accounts, key, Date.now());
      const t1 = performance.now();
      await replaceFiles([{ path, data }]);
      const t2 = performance.now();
      bytes = data.length;
      if (run < 3) continue;
      encode.push(t1 - t0);
      write.push(t2 - t1);
      total.push(t2 - t0);
    }
    const kb = (bytes / 1024).toFixed(0);
    console.log(formatRow(`backup: encrypt ${BACKUP_ACCOUNTS} accounts (cached key, ${kb} KB)`, encode));
    console.log(formatRow(`backup: atomic write of the file (fsync, rename)`, write));
    console.log(formatRow(`backup: full encrypted backup of ${BACKUP_ACCOUNTS} accounts`, total));
    const { N, r, p } = key.kdf;
    console.log(formatRow(`backup: derive the key (scrypt N=2^${Math.log2(N)}, r=${r}, p=${p})`, derive));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the import and backup workloads and prints their rows. */
export async function benchImportAndBackup(): Promise<void> {
  await benchImport();
  await benchBackup();
}
