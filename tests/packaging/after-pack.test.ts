// The afterPack hook that flips Electron's fuses (scripts/after-pack.cjs): which binary it edits on
// each platform, which values it writes, and, on a stand-in binary that carries a real fuse wire,
// that the bytes electron-builder then signs are the ones we asked for.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as fuses from '@electron/fuses';
import { Arch } from 'electron-builder';
import type { AfterPackContext } from 'electron-builder';
import { afterPack, fuseBinaryPath, fuseSettings, fusesNotSet, toFuseConfig } from '../../scripts/after-pack.cjs';

const { FuseV1Options, FuseVersion } = fuses;
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const platforms = ['darwin', 'mas', 'win32', 'linux'] as const;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A file shaped like Electron's binary around its fuse wire, with Electron 38's default states. */
function fakeElectronBinary(path: string): void {
  // Nine fuses, '1' on and '0' off: RunAsNode on, cookies off, NODE_OPTIONS on, inspect on,
  // integrity off, only-asar off, V8 snapshot off, file:// privileges on, WASM trap handlers on.
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.from('101100011')]);
  writeFileSync(path, Buffer.concat([Buffer.from('\x7fELF fake prefix'), wire, Buffer.from('fake suffix')]));
}

function wireOf(path: string): string {
  const bytes = readFileSync(path);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length + 2;
  return bytes.subarray(at, at + 9).toString('latin1');
}

function contextFor(platform: 'linux' | 'win32', appOutDir: string): AfterPackContext {
  // Only the fields the hook reads; electron-builder passes many more.
  return {
    appOutDir,
    electronPlatformName: platform,
    arch: Arch.x64,
    packager: { appInfo: { productFilename: 'Twofold' }, executableName: 'twofold' },
  } as unknown as AfterPackContext;
}

describe('which binary the fuses are flipped in', () => {
  const where = { appOutDir: join('out', 'unpacked'), productFilename: 'Twofold', executableName: 'twofold' };

  it('is the .app bundle on macOS, App Store builds included', () => {
    expect(fuseBinaryPath({ ...where, platform: 'darwin' })).toBe(join('out', 'unpacked', 'Twofold.app'));
    expect(fuseBinaryPath({ ...where, platform: 'mas' })).toBe(join('out', 'unpacked', 'Twofold.app'));
  });

  it('is Twofold.exe on Windows and the lower-case executable on Linux', () => {
    expect(fuseBinaryPath({ ...where, platform: 'win32' })).toBe(join('out', 'unpacked', 'Twofold.exe'));
    expect(fuseBinaryPath({ ...where, platform: 'linux' })).toBe(join('out', 'unpacked', 'twofold'));
  });

  it('refuses a platform it does not know, naming the ones it does', () => {
    expect(() => fuseBinaryPath({ ...where, platform: 'freebsd' })).toThrow(/unknown platform "freebsd".*darwin, mas, win32 or linux/);
  });
});

describe('the fuse values', () => {
  it.each(platforms)('close every way to run foreign code in the signed binary on %s', (platform) => {
    const settings = fuseSettings(platform, 'x64');
    expect(settings).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
  });

  it('turn asar integrity on where electron-builder embeds the hash (macOS, Windows) and keep it off on Linux', () => {
    expect(fuseSettings('darwin', 'arm64').enableEmbeddedAsarIntegrityValidation).toBe(true);
    expect(fuseSettings('mas', 'x64').enableEmbeddedAsarIntegrityValidation).toBe(true);
    expect(fuseSettings('win32', 'x64').enableEmbeddedAsarIntegrityValidation).toBe(true);
    expect(fuseSettings('linux', 'x64').enableEmbeddedAsarIntegrityValidation).toBe(false);
  });

  it('re-sign ad hoc only for Apple silicon slices, where a stale signature stops the app', () => {
    expect(fuseSettings('darwin', 'arm64').resetAdHocDarwinSignature).toBe(true);
    expect(fuseSettings('darwin', 'universal').resetAdHocDarwinSignature).toBe(true);
    expect(fuseSettings('darwin', 'x64').resetAdHocDarwinSignature).toBe(false);
    expect(fuseSettings('linux', 'arm64').resetAdHocDarwinSignature).toBe(false);
    expect(fuseSettings('win32', 'arm64').resetAdHocDarwinSignature).toBe(false);
  });

  it('land on the right wire positions of @electron/fuses', () => {
    const config = toFuseConfig(fuseSettings('win32', 'x64'), fuses);
    expect(config.version).toBe(FuseVersion.V1);
    expect(config[FuseV1Options.RunAsNode]).toBe(false);
    expect(config[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(config[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(config[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(config[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(config[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(config[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    // Every fuse @electron/fuses knows is decided, none left to Electron's default by omission.
    const known = Object.values(FuseV1Options).filter((value) => typeof value === 'number');
    expect(known.filter((index) => typeof config[index] !== 'boolean')).toEqual([]);
  });
});

describe('reading the fuses back', () => {
  it('names each fuse whose byte differs from the config, and nothing when all took', () => {
    const config = toFuseConfig(fuseSettings('linux', 'x64'), fuses);
    const good: Record<number, number> = {};
    for (const [index, value] of Object.entries(config)) {
      if (typeof value === 'boolean') good[Number(index)] = value ? 49 : 48;
    }
    expect(fusesNotSet(config, good, fuses)).toEqual([]);
    expect(fusesNotSet(config, { ...good, [FuseV1Options.RunAsNode]: 49 }, fuses)).toEqual(['RunAsNode']);
    // 'r' (114): the fuse was removed from this Electron, so it cannot hold the value asked for.
    expect(fusesNotSet(config, { ...good, [FuseV1Options.OnlyLoadAppFromAsar]: 114 }, fuses)).toEqual(['OnlyLoadAppFromAsar']);
  });
});

describe('the afterPack hook on a packaged binary', () => {
  it('writes the fuses into the Linux executable and leaves the fuse it does not know as Electron set it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twofold-after-pack-'));
    dirs.push(dir);
    fakeElectronBinary(join(dir, 'twofold'));
    await afterPack(contextFor('linux', dir));
    // RunAsNode 0, cookies 1, NODE_OPTIONS 0, inspect 0, integrity off (no hash on Linux), only-asar 1,
    // V8 snapshot 0, file:// privileges 0, WASM trap handlers untouched (1).
    expect(wireOf(join(dir, 'twofold'))).toBe('010001001');
  });

  it('turns asar integrity on in Twofold.exe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twofold-after-pack-'));
    dirs.push(dir);
    fakeElectronBinary(join(dir, 'Twofold.exe'));
    await afterPack(contextFor('win32', dir));
    expect(wireOf(join(dir, 'Twofold.exe'))).toBe('010011001');
  });

  it('fails the build when the binary has no fuse wire', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twofold-after-pack-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'twofold'), 'not an Electron binary');
    await expect(afterPack(contextFor('linux', dir))).rejects.toThrow(/sentinel/);
  });
});
