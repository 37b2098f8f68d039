// build/installer.nsh (deep-link registration in the NSIS installer) compiled with makensis, inside a
// small stand-in for electron-builder's installer script. NSIS only reports mistakes when it
// compiles, which otherwise happens on the Windows release runner; this catches them here, where
// makensis is installed (Debian: apt install nsis).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const include = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'installer.nsh');
const makensis = spawnSync('makensis', ['-VERSION'], { encoding: 'utf8' }).status === 0;
if (!makensis) console.log('skipped: build/installer.nsh compile check, makensis is not installed (apt install nsis)');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!makensis)('the NSIS include', () => {
  it('compiles, with warnings as errors, in the sections where electron-builder inserts its macros', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twofold-nsis-'));
    dirs.push(dir);
    // electron-builder defines APP_EXECUTABLE_FILENAME and the isUpdated flag, and includes
    // LogicLib, before it includes build/installer.nsh.
    writeFileSync(
      join(dir, 'installer.nsi'),
      `Unicode true
!include LogicLib.nsh
!define APP_EXECUTABLE_FILENAME "Twofold.exe"
Var updated
!define isUpdated "$updated == 1"
!include "${include}"
OutFile "${join(dir, 'twofold-test.exe')}"
RequestExecutionLevel user
Section "install"
  SetShellVarContext current
  StrCpy $INSTDIR "$LOCALAPPDATA\\Programs\\Twofold"
  !insertmacro customInstall
SectionEnd
Section "remove"
  StrCpy $updated 0
  !insertmacro customUnInstall
SectionEnd
`,
    );
    execFileSync('makensis', ['-V1', '-WX', join(dir, 'installer.nsi')], { encoding: 'utf8' });
    expect(existsSync(join(dir, 'twofold-test.exe'))).toBe(true);
  });
});
