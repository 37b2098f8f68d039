// electron-builder.yml, checked without running electron-builder: against electron-builder's own
// configuration schema (the JSON schema it validates with before every build), and for what issue 5
// asks of the installers (targets, install modes, protocols, hardened runtime, hooks, names).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const schemaPath = require.resolve('app-builder-lib/scheme.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { $schema: string };

/** A target entry as electron-builder accepts it: a name, or an object with a name and arches. */
type TargetEntry = string | { target: string; arch?: string[] };
/** The parts of the configuration these tests read (the schema checks the rest). */
interface BuilderConfig {
  appId: string;
  artifactName: string;
  afterPack: string;
  afterSign: string;
  afterAllArtifactBuild: string;
  electronFuses?: unknown;
  protocols: { name: string; schemes: string[] }[];
  publish: { provider: string; url: string };
  win: { target: TargetEntry[]; azureSignOptions?: unknown };
  nsis: { oneClick: boolean; perMachine: boolean; allowElevation?: boolean; deleteAppDataOnUninstall?: boolean; include: string };
  msi: { perMachine: boolean; upgradeCode: string; runAfterFinish?: boolean };
  mac: { target: TargetEntry[]; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string; notarize?: boolean };
  pkg: { installLocation: string; isRelocatable: boolean };
  linux: { target: TargetEntry[] };
  [key: string]: unknown;
}

const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

/** Ajv set up for scheme.json: draft-07 (Ajv's default draft) plus the one extra keyword it uses. */
function schemaValidator(): Ajv {
  // allowUnionTypes: the schema says `type: ["null", "string"]` throughout, which strict mode
  // would otherwise reject. No coerceTypes (electron-builder coerces): a quoted "true" is a mistake.
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  // Hooks may be functions in a JS config; the schema says so with ajv-keywords' `typeof`.
  ajv.addKeyword({ keyword: 'typeof', schemaType: 'string', validate: (expected: string, data: unknown) => typeof data === expected });
  return ajv;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

function targetNames(targets: TargetEntry[]): string[] {
  return targets.map((t) => (typeof t === 'string' ? t : t.target));
}

describe('electron-builder.yml against electron-builder’s configuration schema', () => {
  const validate = schemaValidator().compile(schema);

  it('uses the JSON Schema draft Ajv is configured for', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('is a valid electron-builder configuration', () => {
    const valid = validate(config);
    expect(describeErrors(validate.errors)).toBe('');
    expect(valid).toBe(true);
  });

  it('would catch a misspelt option (the check is not vacuous)', () => {
    expect(validate({ ...config, nsis: { ...config.nsis, perMachin: true } })).toBe(false);
    expect(describeErrors(validate.errors)).toContain('perMachin');
    expect(validate({ ...config, mac: { ...config.mac, hardenedRuntime: 'yes' } })).toBe(false);
  });
});

describe('the installers issue 5 asks for', () => {
  it('builds NSIS and MSI on Windows, dmg and pkg (and the zip updates need) on macOS, AppImage, deb and rpm on Linux', () => {
    expect(targetNames(config.win.target)).toEqual(['nsis', 'msi']);
    expect(targetNames(config.mac.target)).toEqual(['dmg', 'pkg', 'zip']);
    expect(targetNames(config.linux.target)).toEqual(['AppImage', 'deb', 'rpm']);
  });

  it('lets one NSIS installer go per user or per machine, and makes the MSI per machine', () => {
    // Assisted installer without perMachine: the install-mode page, and /currentuser or /allusers.
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false });
    expect(config.nsis.allowElevation).not.toBe(false);
    expect(config.msi.perMachine).toBe(true);
    expect(config.msi.upgradeCode).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(config.msi.runAfterFinish).toBe(false);
  });

  it('never deletes the vault on uninstall', () => {
    expect(config.nsis.deleteAppDataOnUninstall).toBe(false);
  });

  it('registers otpauth:// and twofold://, in the config and in the NSIS script', () => {
    expect(config.protocols.flatMap((p) => p.schemes).sort()).toEqual(['otpauth', 'twofold']);
    const nsh = readFileSync(join(root, config.nsis.include), 'utf8');
    expect(nsh).toMatch(/twofoldRegisterScheme "otpauth"/);
    expect(nsh).toMatch(/twofoldRegisterScheme "twofold"/);
    expect(nsh).toMatch(/!macro customUnInstall/);
  });

  it('signs macOS builds with the hardened runtime and only the JIT entitlement, for the app and its helpers', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements);
    const plist = readFileSync(join(root, config.mac.entitlements), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
    // Our hook notarizes; electron-builder's own integration would submit the app a second time.
    expect(config.mac.notarize).toBe(false);
  });

  it('installs the pkg into /Applications, never over a copy found elsewhere', () => {
    expect(config.pkg).toMatchObject({ installLocation: '/Applications', isRelocatable: false });
  });

  it('names every artifact Product-version-os-arch.ext', () => {
    expect(config.artifactName).toBe('${productName}-${version}-${os}-${arch}.${ext}');
    // No target overrides the scheme.
    for (const key of ['nsis', 'msi', 'mac', 'win', 'linux', 'pkg', 'dmg', 'appImage', 'deb', 'rpm']) {
      const section = config[key] as { artifactName?: unknown } | undefined;
      expect(section?.artifactName, key).toBeUndefined();
    }
  });

  it('publishes a generic HTTPS update feed whose address comes from the environment', () => {
    expect(config.publish).toEqual({ provider: 'generic', url: '${env.TWOFOLD_UPDATE_URL}' });
  });

  it('keeps signing secrets and Azure settings out of the file', () => {
    const text = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    expect(text).not.toMatch(/^\s*(certificatePassword|certificateFile|cscLink|cscKeyPassword|identity)\s*:/m);
    expect(config.win.azureSignOptions).toBeUndefined();
  });
});

describe('the build hooks', () => {
  it.each(['afterPack', 'afterSign', 'afterAllArtifactBuild'] as const)('%s points at a file that exports that hook', (hook) => {
    const file = join(root, config[hook]);
    expect(existsSync(file), file).toBe(true);
    // electron-builder takes the export named after the hook (util/config resolveFunction).
    const module = require(file) as Record<string, unknown>;
    expect(typeof module[hook]).toBe('function');
  });

  it('sets the fuses once, in afterPack, not also through electronFuses', () => {
    expect(config.electronFuses).toBeUndefined();
  });
});
