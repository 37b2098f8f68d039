import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectNoSecrets, expectTwofoldError, manualClock, useTempDir } from '../../../tests/fixtures/import-test-kit';
import {
  AutoBackup,
  backupFileName,
  backupFileTime,
  RETRY_AFTER_FAILURE_MS,
  type AutoBackupConfig,
} from './auto-backup';
import { decodeBackup, deriveBackupKey, type BackupAccount, type BackupKey } from './backup-format';

const PASSPHRASE = 'backup passphrase for tests';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const T0 = Date.UTC(2026, 2, 14, 9, 26, 53, 589);
const DAY = 24 * 60 * 60 * 1000;

/** True when a folder with mode 0500 still accepts writes (running as root), so that case can't be tested. */
function readOnlyFoldersAreWritable(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-probe-'));
  try {
    chmodSync(dir, 0o500);
    writeFileSync(join(dir, 'probe'), 'x');
    return true;
  } catch {
    return false;
  } finally {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
}
const CANNOT_TEST_READ_ONLY = readOnlyFoldersAreWritable();

function account(label: string): BackupAccount {
  return {
    type: 'totp',
    issuer: 'Example',
    label,
    secret: SECRET,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    counter: 0,
    color: null,
    pinned: false,
  };
}

let key: BackupKey;
beforeAll(async () => {
  key = await deriveBackupKey(PASSPHRASE, { N: 2 ** 15 });
});

// The kit gives read-only folders back their write access before it removes the test's folder.
const temp = useTempDir('twofold-auto-backup-');
let folder: string;
beforeEach(() => {
  folder = join(temp.path, 'backups');
  mkdirSync(folder);
});

function setup(overrides: Partial<AutoBackupConfig> = {}) {
  const clock = manualClock(T0);
  const config: AutoBackupConfig = { enabled: true, folder, keep: 10, key, ...overrides };
  const logs: string[] = [];
  let accounts = [account('alice')];
  let reads = 0;
  let changed = 0;
  const backup = new AutoBackup({
    clock,
    log: (line) => logs.push(line),
    readAccounts: () => {
      reads += 1;
      return accounts;
    },
    config: () => config,
    onChanged: () => {
      changed += 1;
    },
  });
  return {
    backup,
    clock,
    config,
    logs,
    setAccounts: (next: BackupAccount[]) => {
      accounts = next;
    },
    reads: () => reads,
    changed: () => changed,
  };
}

async function backupNames(): Promise<string[]> {
  return (await fs.readdir(folder)).filter((name) => backupFileTime(name) !== null).sort();
}

describe('backup file names', () => {
  it('are UTC, sortable and parse back to their time', () => {
    expect(backupFileName(T0)).toBe('twofold-backup-2026-03-14T09-26-53-589Z.twofold');
    expect(backupFileTime(backupFileName(T0))).toBe(T0);
    expect(backupFileName(T0) < backupFileName(T0 + 1)).toBe(true);
    expect(backupFileTime('twofold-backup-2026-13-14T09-26-53-589Z.twofold')).toBeNull();
    expect(backupFileTime('../twofold-backup-2026-03-14T09-26-53-589Z.twofold')).toBeNull();
    expect(backupFileTime('twofold-backup-2026-03-14T09-26-53-589Z.twofold.tmp-1-ab')).toBeNull();
  });
});

describe('AutoBackup scheduling', () => {
  it('writes nothing while disabled, whatever changes', async () => {
    const { backup, clock } = setup({ enabled: false });
    backup.noteChange();
    clock.t += DAY * 2;
    await backup.tick();
    expect(await backupNames()).toEqual([]);
  });

  it('writes nothing without a passphrase or a folder', async () => {
    for (const overrides of [{ key: null }, { folder: null }]) {
      const { backup, clock } = setup(overrides);
      backup.noteChange();
      clock.t += DAY * 2;
      await backup.tick();
    }
    expect(await backupNames()).toEqual([]);
  });

  it('writes a first backup at once when the folder has none', async () => {
    const { backup } = setup();
    await backup.tick();
    expect(await backupNames()).toEqual([backupFileName(T0)]);
  });

  it('writes a backup debounceMs after the last change, with the accounts as they are then', async () => {
    const { backup, clock, setAccounts } = setup();
    await backup.tick(); // the first backup
    clock.t += 1_000;
    backup.noteChange();
    clock.t += 5_000;
    backup.noteChange(); // a second change restarts the wait
    setAccounts([account('alice'), account('bob')]);
    clock.t += 9_999;
    await backup.tick();
    expect(await backupNames()).toHaveLength(1);
    clock.t += 1;
    await backup.tick();
    const names = await backupNames();
    expect(names).toEqual([backupFileName(T0), backupFileName(T0 + 16_000)]);
    const decoded = await decodeBackup(await fs.readFile(join(folder, names[1]!)), key);
    expect(decoded.accounts.map((a) => a.label)).toEqual(['alice', 'bob']);
    expect(decoded.createdAt).toBe(T0 + 16_000);
    // Nothing more is due until the next change or day.
    clock.t += 60_000;
    await backup.tick();
    expect(await backupNames()).toHaveLength(2);
  });

  it('writes a daily backup without changes, also after a restart', async () => {
    const first = setup();
    await first.backup.tick();
    first.clock.t += DAY - 1;
    await first.backup.tick();
    expect(await backupNames()).toHaveLength(1);
    first.clock.t += 1;
    await first.backup.tick();
    expect(await backupNames()).toEqual([backupFileName(T0), backupFileName(T0 + DAY)]);

    // A new process finds the recent backup in the folder and waits for its day to pass.
    const restarted = setup();
    restarted.clock.t = T0 + DAY + 60_000;
    await restarted.backup.tick();
    expect(restarted.reads()).toBe(0);
    restarted.clock.t = T0 + 2 * DAY;
    await restarted.backup.tick();
    expect(await backupNames()).toHaveLength(3);
  });

  it('runs at most one backup at a time', async () => {
    const { backup, reads } = setup();
    await Promise.all([backup.tick(), backup.tick(), backup.tick()]);
    expect(reads()).toBe(1);
    await Promise.all([backup.runNow(), backup.runNow()]);
    expect(reads()).toBe(3);
  });
});

describe('AutoBackup files', () => {
  it('writes owner-only files that decode with the key', async () => {
    const { backup, logs } = setup();
    await backup.runNow();
    const [name] = await backupNames();
    const stat = await fs.stat(join(folder, name!));
    if (process.platform !== 'win32') expect(stat.mode & 0o777).toBe(0o600);
    const decoded = await decodeBackup(await fs.readFile(join(folder, name!)), PASSPHRASE);
    expect(decoded.accounts).toEqual([account('alice')]);
    expect(logs.join('\n')).toContain(name);
    expect(logs.join('\n')).not.toContain(SECRET);
  });

  it('keeps only the newest `keep` backups and never touches other files', async () => {
    const { backup, clock, config } = setup({ keep: 3 });
    const others = ['notes.txt', 'twofold-backup-old.twofold', 'twofold-backup-2026-13-01T00-00-00-000Z.twofold'];
    for (const name of others) writeFileSync(join(folder, name), 'keep me');
    mkdirSync(join(folder, backupFileName(T0 - DAY))); // a folder with a backup's name is not a backup
    for (let i = 0; i < 5; i += 1) {
      await backup.runNow();
      clock.t += 1_000;
    }
    expect(await backupNames()).toEqual([
      backupFileName(T0 - DAY),
      backupFileName(T0 + 2_000),
      backupFileName(T0 + 3_000),
      backupFileName(T0 + 4_000),
    ]);
    for (const name of others) expect(await fs.readFile(join(folder, name), 'utf8')).toBe('keep me');
    config.keep = 1;
    await backup.runNow();
    expect((await backup.status()).files.map((f) => f.name)).toEqual([backupFileName(T0 + 5_000)]);
  });

  it('reports the status with files newest first', async () => {
    const { backup, clock } = setup({ keep: 5 });
    expect(await backup.status()).toEqual({
      enabled: true,
      folder,
      keep: 5,
      hasPassphrase: true,
      lastSuccessAt: null,
      lastError: null,
      files: [],
    });
    await backup.runNow();
    clock.t += 60_000;
    await backup.runNow();
    const status = await backup.status();
    expect(status.lastSuccessAt).toBe(T0 + 60_000);
    expect(status.files.map((f) => f.createdAt)).toEqual([T0 + 60_000, T0]);
    expect(status.files[0]?.bytes).toBe((await fs.stat(join(folder, backupFileName(T0 + 60_000)))).size);
    // After a restart, the newest backup in the folder is the last success.
    expect((await setup().backup.status()).lastSuccessAt).toBe(T0 + 60_000);
  });
});

describe('AutoBackup failures', () => {
  it('refuses runNow without a folder or a passphrase', async () => {
    await expectTwofoldError(setup({ folder: null }).backup.runNow(), 'BACKUP_NOT_CONFIGURED');
    await expectTwofoldError(setup({ key: null }).backup.runNow(), 'BACKUP_NOT_CONFIGURED');
  });

  it('records a missing folder, reports it, and retries after an hour or the next change', async () => {
    const missing = join(temp.path, 'unplugged-drive');
    const { backup, clock, reads, changed, logs } = setup({ folder: missing });
    await backup.tick(); // never throws
    const status = await backup.status();
    expect(status.lastError?.message).toContain('ENOENT');
    expect(status.lastError?.message).toContain(missing);
    expect(status.lastError?.at).toBe(T0);
    expect(status.files).toEqual([]);
    expect(changed()).toBe(1);
    expect(logs.at(-1)).toBe('backup: failed (ENOENT)');

    const error = await expectTwofoldError(backup.runNow(), 'BACKUP_FAILED');
    expect(error.message).toMatch(/does not exist.*\(ENOENT\)/);
    expectNoSecrets(error, [SECRET, PASSPHRASE]);
    expect(reads()).toBe(2);

    // Not retried on every tick.
    clock.t += RETRY_AFTER_FAILURE_MS - 1;
    await backup.tick();
    expect(reads()).toBe(2);
    clock.t += 1;
    await backup.tick();
    expect(reads()).toBe(3);

    // A change brings the next attempt; it succeeds once the folder is back, and the error clears.
    mkdirSync(missing);
    backup.noteChange();
    clock.t += 10_000;
    await backup.tick();
    expect(reads()).toBe(4);
    expect((await backup.status()).lastError).toBeNull();
    expect((await backup.status()).files).toHaveLength(1);
  });

  it('tries again at once when the user picks another folder after a failure', async () => {
    const { backup, config, clock, reads } = setup({ folder: join(temp.path, 'gone') });
    await backup.tick();
    expect(reads()).toBe(1);
    clock.t += 60_000;
    await backup.tick();
    expect(reads()).toBe(1);
    config.folder = folder;
    await backup.tick();
    expect(reads()).toBe(2);
    expect(await backupNames()).toEqual([backupFileName(T0 + 60_000)]);
  });

  it('names ENOTDIR when the folder is a file', async () => {
    const file = join(temp.path, 'a-file');
    writeFileSync(file, 'x');
    const error = await expectTwofoldError(setup({ folder: file }).backup.runNow(), 'BACKUP_FAILED');
    expect(error.message).toContain('ENOTDIR');
  });

  it.skipIf(CANNOT_TEST_READ_ONLY)('names EACCES for a read-only folder', async () => {
    chmodSync(folder, 0o500);
    const { backup } = setup();
    const error = await expectTwofoldError(backup.runNow(), 'BACKUP_FAILED');
    expect(error.message).toMatch(/permission denied \(EACCES\)/);
    await backup.tick();
    expect((await backup.status()).lastError?.message).toContain('EACCES');
  });
});

describe('AutoBackup.readBackup', () => {
  it('reads a backup in the folder by name', async () => {
    const { backup } = setup();
    await backup.runNow();
    const [name] = await backupNames();
    expect(Buffer.from(await backup.readBackup(name!))).toEqual(await fs.readFile(join(folder, name!)));
  });

  it('reads nothing but a backup file in the folder', async () => {
    const { backup } = setup();
    await backup.runNow();
    writeFileSync(join(temp.path, 'outside.twofold'), 'secret stuff');
    writeFileSync(join(folder, 'notes.txt'), 'not a backup');
    const outsideName = backupFileName(T0 - 1);
    writeFileSync(join(temp.path, outsideName), 'outside');
    await fs.symlink(join(temp.path, outsideName), join(folder, backupFileName(T0 - 2)));
    mkdirSync(join(folder, backupFileName(T0 - 3)));
    const refused = [
      '../outside.twofold',
      `../${outsideName}`,
      join(temp.path, outsideName),
      join(folder, backupFileName(T0)),
      'notes.txt',
      `${backupFileName(T0)}/`,
      `${backupFileName(T0)}\n`,
      '',
    ];
    for (const name of refused) {
      const error = await expectTwofoldError(backup.readBackup(name), 'INPUT_INVALID');
      expect(error.message).toMatch(/not the name of an automatic backup/);
    }
    for (const name of [backupFileName(T0 + 1), backupFileName(T0 - 2), backupFileName(T0 - 3)]) {
      const error = await expectTwofoldError(backup.readBackup(name), 'INPUT_INVALID');
      expect(error.message).toMatch(/no longer in the backup folder/);
    }
    await expectTwofoldError(setup({ folder: null }).backup.readBackup(backupFileName(T0)), 'BACKUP_NOT_CONFIGURED');
  });
});
