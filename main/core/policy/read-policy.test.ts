import { describe, expect, it } from 'vitest';
import type { PolicyIo } from './policy-io';
import { readManagedPolicy } from './read-policy';

const REG = '\r\nHKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold\r\n    MaxAutoLockMinutes    REG_DWORD    0xa\r\n\r\n';

/** One fake OS answering all three readers, each with a different MaxAutoLockMinutes. */
function fakeIo(overrides: Partial<PolicyIo> = {}): PolicyIo {
  return {
    readTextFile: async (path) => {
      if (path === '/etc/twofold/policy.json') return '{"MaxAutoLockMinutes": 20}';
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
    statFile: async () => ({ uid: 0, mode: 0o100644 }),
    pathExists: async (path) => path === '/Library/Managed Preferences/dev.twofold.app.plist',
    run: async (file) => ({ exitCode: 0, stdout: file.endsWith('reg.exe') ? REG : '{"MaxAutoLockMinutes": 30}', stderr: '' }),
    ...overrides,
  };
}

describe('readManagedPolicy', () => {
  it('reads the registry on Windows, managed preferences on macOS and the JSON file elsewhere', async () => {
    const read = async (platform: string) => (await readManagedPolicy({ platform, io: fakeIo(), userName: 'alice' })).policy;
    expect(await read('win32')).toMatchObject({ sources: ['HKLM\\Software\\Policies\\Twofold'], maxAutoLockMinutes: 10 });
    expect(await read('darwin')).toMatchObject({ sources: ['/Library/Managed Preferences/dev.twofold.app.plist'], maxAutoLockMinutes: 30 });
    expect(await read('linux')).toMatchObject({ sources: ['/etc/twofold/policy.json'], maxAutoLockMinutes: 20 });
    expect(await read('freebsd')).toMatchObject({ sources: ['/etc/twofold/policy.json'] });
  });

  it('runs reg.exe and plutil by full path, so nothing on PATH can answer for them', async () => {
    const ran: string[] = [];
    const io = fakeIo();
    const run = io.run;
    io.run = (file, args) => (ran.push(file), run(file, args));
    await readManagedPolicy({ platform: 'win32', io, userName: 'alice', windowsDir: 'D:\\WINNT' });
    await readManagedPolicy({ platform: 'win32', io, userName: 'alice' });
    await readManagedPolicy({ platform: 'darwin', io, userName: 'alice' });
    expect(ran).toEqual(['D:\\WINNT\\System32\\reg.exe', 'C:\\Windows\\System32\\reg.exe', '/usr/bin/plutil']);
  });

  it('reads the Linux file from another path when told', async () => {
    const io = fakeIo({
      readTextFile: async (path) => {
        if (path === '/opt/policy.json') return '{"DisablePlainExport": true}';
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      },
    });
    const { policy } = await readManagedPolicy({ platform: 'linux', io, userName: 'alice', linuxPath: '/opt/policy.json' });
    expect(policy).toMatchObject({ sources: ['/opt/policy.json'], disablePlainExport: true });
  });

  it('never throws: a reader that fails unexpectedly makes every key take its safe choice', async () => {
    const io = fakeIo();
    Object.defineProperty(io, 'run', {
      get() {
        throw new TypeError('boom');
      },
    });
    const { policy, problems } = await readManagedPolicy({ platform: 'win32', io, userName: 'alice' });
    expect(policy.requirePassphrase).toBe(true);
    expect(policy.allowedPushServers).toEqual({ entries: [], invalid: true });
    expect(problems[0]).toMatch(/^The managed policy could not be read: the win32 reader failed \(boom\)\./);
  });
});
