import { describe, expect, it } from 'vitest';
import { macosPolicyPaths, readMacosPolicy } from './macos-policy';
import type { CommandResult, PolicyIo } from './policy-io';
import { resolvePolicy } from './policy-schema';

const MACHINE = '/Library/Managed Preferences/dev.twofold.app.plist';
const USER = '/Library/Managed Preferences/alice/dev.twofold.app.plist';

/** What `plutil -convert json -o - <file>` prints for a managed-preferences plist: compact JSON. */
const plutilJson = (values: Record<string, unknown>): CommandResult => ({ exitCode: 0, stdout: `${JSON.stringify(values)}\n`, stderr: '' });

/** Fake macOS: which plists exist and what plutil prints for each; records every command. */
function fakeMac(files: Record<string, CommandResult | Error>): { io: Pick<PolicyIo, 'pathExists' | 'run'>; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    io: {
      pathExists: async (path) => path in files,
      run: async (file, args) => {
        calls.push([file, ...args].join(' '));
        const answer = files[args.at(-1)!];
        if (answer === undefined) throw new Error('no such file');
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  };
}

describe('macosPolicyPaths', () => {
  it('lists the device-wide plist first, then the user’s', () => {
    expect(macosPolicyPaths('alice')).toEqual([MACHINE, USER]);
  });

  it('gives no per-user path for a user name that could leave the folder', () => {
    for (const name of ['', '.', '..', '../root', 'a/b']) expect(macosPolicyPaths(name)).toEqual([MACHINE]);
  });
});

describe('readMacosPolicy', () => {
  it('converts each plist with /usr/bin/plutil to JSON and reads it', async () => {
    const mac = fakeMac({
      [MACHINE]: plutilJson({ RequirePassphrase: true, MaxAutoLockMinutes: 15, AllowedPushServers: ['https://idp.example.com'], PayloadUUID: 'ignored-bookkeeping' }),
    });
    const readout = await readMacosPolicy(mac.io, 'alice');
    expect(mac.calls).toEqual([`/usr/bin/plutil -convert json -o - ${MACHINE}`]);
    const { policy, problems } = resolvePolicy(readout.sources);
    expect(problems).toEqual([]);
    expect(policy).toMatchObject({
      sources: [MACHINE],
      requirePassphrase: true,
      maxAutoLockMinutes: 15,
      allowedPushServers: { entries: ['https://idp.example.com'], invalid: false },
    });
  });

  it('lets the device-wide plist win over the per-user one where both set a key', async () => {
    const mac = fakeMac({
      [MACHINE]: plutilJson({ MaxAutoLockMinutes: 15 }),
      [USER]: plutilJson({ MaxAutoLockMinutes: 60, DisablePlainExport: true }),
    });
    const { policy } = resolvePolicy((await readMacosPolicy(mac.io, 'alice')).sources);
    expect(policy.sources).toEqual([MACHINE, USER]);
    expect(policy.maxAutoLockMinutes).toBe(15);
    expect(policy.disablePlainExport).toBe(true);
  });

  it('treats no managed preferences as an unmanaged machine', async () => {
    expect(await readMacosPolicy(fakeMac({}).io, 'alice')).toEqual({ sources: [], problems: [] });
  });

  it('reports a plist plutil can’t convert as unreadable, with plutil’s reason', async () => {
    const mac = fakeMac({ [USER]: { exitCode: 1, stdout: '', stderr: `${USER}: Property List error: Unexpected character b at line 1 / JSON error: JSON text did not start with array or object\n` } });
    const readout = await readMacosPolicy(mac.io, 'alice');
    expect(readout.sources).toEqual([
      {
        location: USER,
        unreadable: `plutil could not convert it (${USER}: Property List error: Unexpected character b at line 1 / JSON error: JSON text did not start with array or object)`,
      },
    ]);
    expect(resolvePolicy(readout.sources).policy.disablePlainExport).toBe(true);
  });

  it('reports plutil that cannot run, and output that is not an object', async () => {
    const broken = await readMacosPolicy(fakeMac({ [MACHINE]: new Error('spawn /usr/bin/plutil EACCES') }).io, 'alice');
    expect(broken.sources).toEqual([{ location: MACHINE, unreadable: 'plutil could not be run (spawn /usr/bin/plutil EACCES)' }]);
    const list = await readMacosPolicy(fakeMac({ [MACHINE]: { exitCode: 0, stdout: '["a"]', stderr: '' } }).io, 'alice');
    expect(list.sources).toEqual([{ location: MACHINE, unreadable: 'it must hold one object of keys and values, not a list' }]);
  });

  it('reports a plist whose existence can’t be checked as unreadable', async () => {
    const io: Pick<PolicyIo, 'pathExists' | 'run'> = {
      pathExists: (path) => (path === MACHINE ? Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' })) : Promise.resolve(false)),
      run: () => Promise.reject(new Error('not expected')),
    };
    expect((await readMacosPolicy(io, 'alice')).sources).toEqual([{ location: MACHINE, unreadable: 'permission denied' }]);
  });
});
