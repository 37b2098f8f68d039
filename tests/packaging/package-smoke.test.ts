// electron-builder itself, run with electron-builder.yml and the hooks, on a small project and a
// stand-in Electron distribution (the real binary cannot be downloaded here): it must load the
// configuration, package the app, run afterPack, and leave the fuses flipped in the binary it would
// sign. The Linux "dir" target needs no extra tools; the deb and rpm need fpm, which electron-builder
// downloads from GitHub (unreachable here) and Debian does not package, so those builds run through
// scripts/dist.mjs up to a stand-in fpm that records what it was asked to package.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A project with Twofold's packaging files, a tiny built app, and a fake Electron to package it with. */
function project(): { dir: string; electronDist: string } {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-package-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'twofold', productName: 'Twofold', version: '1.2.0', main: 'dist/main/index.cjs', desktopName: 'twofold.desktop' }));
  for (const folder of ['main', 'preload', 'renderer']) mkdirSync(join(dir, 'dist', folder), { recursive: true });
  writeFileSync(join(dir, 'dist', 'main', 'index.cjs'), "require('electron');\n");
  writeFileSync(join(dir, 'dist', 'main', 'index.cjs.map'), '{}');
  writeFileSync(join(dir, 'dist', 'preload', 'index.cjs'), '\n');
  writeFileSync(join(dir, 'dist', 'renderer', 'index.html'), '<!doctype html>\n');
  cpSync(join(root, 'electron-builder.yml'), join(dir, 'electron-builder.yml'));
  cpSync(join(root, 'build'), join(dir, 'build'), { recursive: true });
  for (const hook of ['after-pack.cjs', 'notarize.cjs', 'dist.mjs']) cpSync(join(root, 'scripts', hook), join(dir, 'scripts', hook));
  // The hooks require @electron/fuses and electron-builder from the project, as in the real one.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'junction');

  // Electron's unpacked layout, with a binary that holds a real fuse wire at Electron's defaults.
  const electronDist = join(dir, 'electron-dist');
  mkdirSync(join(electronDist, 'resources'), { recursive: true });
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.from('101100011')]);
  writeFileSync(join(electronDist, 'electron'), Buffer.concat([Buffer.from('\x7fELF stand-in '), wire]));
  chmodSync(join(electronDist, 'electron'), 0o755);
  for (const file of ['LICENSE', 'LICENSES.chromium.html']) writeFileSync(join(electronDist, file), '');
  writeFileSync(join(electronDist, 'version'), '38.8.6');
  return { dir, electronDist };
}

function run(dir: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: dir, env, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

function electronBuilder(dir: string, electronDist: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const cli = join(root, 'node_modules', 'electron-builder', 'cli.js');
  return run(dir, [cli, '--linux', 'dir', '--x64', '--publish', 'never', `-c.electronDist=${electronDist}`, '-c.electronVersion=38.8.6'], env);
}

/** `npm run dist:linux` on the project for the given targets, without the build step. */
function distLinux(dir: string, electronDist: string, targets: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const args = ['--linux', ...targets, '--x64', '--publish', 'never', `-c.electronDist=${electronDist}`, '-c.electronVersion=38.8.6'];
  return run(dir, [join(dir, 'scripts', 'dist.mjs'), ...args], env);
}

/**
 * A stand-in for fpm (electron-builder runs it through CUSTOM_FPM_PATH). Per target (-t deb, -t rpm)
 * it records its arguments one per line, keeps copies of the .desktop file and after-install script
 * it was given (electron-builder deletes its temporary files), and writes the --package file.
 */
function standInFpm(dir: string): { fpm: string; record: string } {
  const record = join(dir, 'fpm-record');
  mkdirSync(record);
  const fpm = join(dir, 'fpm');
  writeFileSync(
    fpm,
    `#!/bin/sh
record='${record}'
prev=
for arg in "$@"; do
  case "$prev" in
    -t) target=$arg ;;
    --package) package=$arg ;;
    --after-install) afterInstall=$arg ;;
  esac
  case "$arg" in *.desktop) desktop=\${arg%%=*} ;; esac
  prev=$arg
done
printf '%s\n' "$@" > "$record/$target.args"
cp "$desktop" "$record/$target.desktop"
cp "$afterInstall" "$record/$target.after-install"
printf 'stand-in %s\n' "$target" > "$package"
`,
  );
  chmodSync(fpm, 0o755);
  return { fpm, record };
}

/** The value fpm got for an option, e.g. --maintainer. */
function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

describe.concurrent('packaging with electron-builder', () => {
  it('packages the app and flips the fuses in the binary it would sign', async () => {
    const { dir, electronDist } = project();
    const { code, output } = await electronBuilder(dir, electronDist, { ...process.env, TWOFOLD_UPDATE_URL: 'https://updates.example.com/twofold' });
    expect(output).toContain('after-pack: flipping Electron fuses');
    expect(code).toBe(0);

    const unpacked = join(dir, 'release', 'linux-unpacked');
    const binary = readFileSync(join(unpacked, 'twofold'));
    const at = binary.indexOf(SENTINEL) + SENTINEL.length + 2;
    // RunAsNode 0, cookies 1, NODE_OPTIONS 0, inspect 0, integrity 0 (Linux), only-asar 1,
    // V8 snapshot 0, file:// privileges 0, WASM trap handlers as Electron ships them (1).
    expect(binary.subarray(at, at + 9).toString('latin1')).toBe('010001001');

    // The asar header is JSON naming every file: the built bundles, no source maps, no node_modules.
    const asar = readFileSync(join(unpacked, 'resources', 'app.asar')).toString('latin1');
    expect(asar).toContain('"index.cjs"');
    expect(asar).toContain('"index.html"');
    expect(asar).not.toContain('"index.cjs.map"');
    expect(asar).not.toContain('"node_modules"');
    expect(existsSync(join(unpacked, 'resources', 'app'))).toBe(false);
    expect(readFileSync(join(unpacked, 'resources', 'app-update.yml'), 'utf8')).toMatch(/provider: generic\s+url: https:\/\/updates\.example\.com\/twofold/);
  });

  it('refuses to build without an update feed address, naming the variable', async () => {
    const { dir, electronDist } = project();
    const env = { ...process.env };
    delete env['TWOFOLD_UPDATE_URL'];
    const { code, output } = await electronBuilder(dir, electronDist, env);
    expect(code).not.toBe(0);
    expect(output).toContain('env TWOFOLD_UPDATE_URL is not defined');
  });
});

describe.concurrent("electron-builder's deb and rpm steps, up to fpm, through scripts/dist.mjs", () => {
  // An undefined variable is left out of the child's environment.
  const releaseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TWOFOLD_UPDATE_URL: 'https://updates.example.com/twofold',
    TWOFOLD_MAINTAINER: 'Example IT <it@example.com>',
    TWOFOLD_HOMEPAGE: 'https://it.example.com/twofold',
  };

  it('hands fpm the maintainer and homepage from the environment, the package name, install script, desktop entry and icon', async () => {
    const { dir, electronDist } = project();
    const { fpm, record } = standInFpm(dir);
    const { code, output } = await distLinux(dir, electronDist, ['deb', 'rpm'], { ...releaseEnv, CUSTOM_FPM_PATH: fpm });
    // electron-builder's metadata checks ("Please specify author 'email'…", "…project homepage") passed.
    expect(output).not.toContain('Please specify');
    expect(code, output).toBe(0);

    for (const target of ['deb', 'rpm']) {
      const args = readFileSync(join(record, `${target}.args`), 'utf8').split('\n');
      expect(option(args, '-t')).toBe(target);
      expect(option(args, '--maintainer')).toBe('Example IT <it@example.com>');
      expect(option(args, '--url')).toBe('https://it.example.com/twofold');
      expect(option(args, '--name')).toBe('twofold');
      expect(option(args, '--after-install')).toBeTruthy();
      expect(readFileSync(join(record, `${target}.after-install`), 'utf8')).toContain("ln -sf '/opt/Twofold/twofold' '/usr/bin/twofold'");
      expect(args.some((arg) => arg.endsWith('=/usr/share/applications/twofold.desktop'))).toBe(true);

      const desktop = readFileSync(join(record, `${target}.desktop`), 'utf8').split('\n');
      expect(desktop).toContain('MimeType=x-scheme-handler/otpauth;x-scheme-handler/twofold;');
      expect(desktop).toContain('Exec=/opt/Twofold/twofold %U');
      // Twofold's own icon (build/icon.png), and the window matched to this entry (package.json desktopName).
      expect(desktop).toContain('Icon=twofold');
      expect(desktop).toContain('StartupWMClass=twofold');
      expect(args.some((arg) => arg.endsWith('/build/icon.png=/usr/share/icons/hicolor/1024x1024/apps/twofold.png'))).toBe(true);
    }
    // electron-builder.yml's artifactName, with each format's architecture name.
    expect(existsSync(join(dir, 'release', 'Twofold-1.2.0-linux-amd64.deb'))).toBe(true);
    expect(existsSync(join(dir, 'release', 'Twofold-1.2.0-linux-x86_64.rpm'))).toBe(true);
  });

  it('without TWOFOLD_HOMEPAGE, leaves the homepage to electron-builder when origin is on GitHub', async () => {
    const { dir, electronDist } = project();
    const { fpm, record } = standInFpm(dir);
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['remote', 'add', 'origin', 'https://github.com/example/twofold.git'], { cwd: dir });
    const { code, output } = await distLinux(dir, electronDist, ['deb'], { ...releaseEnv, TWOFOLD_HOMEPAGE: undefined, CUSTOM_FPM_PATH: fpm });
    expect(code, output).toBe(0);
    expect(option(readFileSync(join(record, 'deb.args'), 'utf8').split('\n'), '--url')).toBe('https://github.com/example/twofold');
  });

  // Each refusal names the variable to set, and electron-builder never starts (no release folder).
  it.each([
    { problem: 'no TWOFOLD_MAINTAINER', env: { TWOFOLD_MAINTAINER: undefined }, says: 'set TWOFOLD_MAINTAINER to "Name <email>"' },
    {
      problem: 'a maintainer that is not "Name <email>"',
      env: { TWOFOLD_MAINTAINER: 'it@example.com' },
      says: 'TWOFOLD_MAINTAINER="Example IT <it@example.com>"; it is "it@example.com"',
    },
    {
      // Not a clone, nor inside one: the temporary folder's parents are not searched for a repository.
      problem: 'no homepage and no GitHub origin',
      env: { TWOFOLD_HOMEPAGE: undefined, GIT_CEILING_DIRECTORIES: tmpdir() },
      says: 'set TWOFOLD_HOMEPAGE to the https:// address',
    },
    {
      problem: 'an update feed that is not https',
      env: { TWOFOLD_UPDATE_URL: 'http://updates.example.com/twofold' },
      says: 'set TWOFOLD_UPDATE_URL to the https:// address of the update feed',
    },
  ])('refuses to start electron-builder with $problem, naming what to set', async ({ env, says }) => {
    const { dir, electronDist } = project();
    const { code, output } = await distLinux(dir, electronDist, ['deb', 'rpm'], { ...releaseEnv, ...env });
    expect(code).not.toBe(0);
    expect(output).toContain(says);
    expect(existsSync(join(dir, 'release'))).toBe(false);
  });
});
