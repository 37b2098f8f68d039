/**
 * Where the Electron executable is, shared by the Electron spec files. Where it is absent (its
 * postinstall download is blocked on some machines) a spec file skips itself and says so in one line.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Electron executable, or why there is none. The electron package throws when its dist/ is missing. */
export function locateElectron(): { executable: string } | { reason: string } {
  try {
    const located: unknown = createRequire(import.meta.url)('electron');
    if (typeof located !== 'string') return { reason: 'the electron package did not return a path' };
    if (!fs.existsSync(located)) return { reason: `${located} does not exist` };
    return { executable: located };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { reason: message.split('\n')[0] ?? 'unknown error' };
  }
}

/** The repository's root, where `electron .` starts the app. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The built main-process bundle the specs need (`npm run build`). */
export const mainBundle = path.join(repoRoot, 'dist', 'main', 'index.cjs');

/** Chromium refuses to start its sandbox as root (containers in CI); only then is it switched off. */
export const rootArgs: readonly string[] = process.getuid?.() === 0 ? ['--no-sandbox'] : [];

/** The Electron executable, or null where there is none (the spec files then skip themselves). */
export function electronExecutable(): string | null {
  const electron = locateElectron();
  return 'executable' in electron ? electron.executable : null;
}

/** The environment to launch Twofold's Electron with: ours minus run-as-node, plus the spec's own variables. */
export function electronLaunchEnv(extra: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env['ELECTRON_RUN_AS_NODE'];
  return { ...env, ...extra };
}
