// The release pipeline (.github/workflows/release.yml), checked for what docs/deployment.md
// promises: it builds on the three OSes through scripts/dist.mjs, refuses to ship unsigned or
// unnotarized installers, names the Linux packages' maintainer, and keeps secrets out of the shell
// scripts.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The parts of a GitHub Actions workflow these tests read. */
interface Step {
  name?: string;
  if?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  environment?: string;
  env?: Record<string, string>;
  strategy?: { matrix: { include: { os: string; platform: string }[] } };
  steps: Step[];
}
const workflow = parse(readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8')) as { jobs: Record<string, Job> };
const { verify, package: pack, publish } = workflow.jobs as Record<'verify' | 'package' | 'publish', Job>;

function packagingStep(platform: string): Step {
  const step = pack.steps.find((s) => s.if === `matrix.platform == '${platform}'` && s.run?.includes('node scripts/dist.mjs'));
  if (!step) throw new Error(`no scripts/dist.mjs step for ${platform}`);
  return step;
}

describe('the release pipeline', () => {
  it('tests once, then packages on Windows, macOS and Linux, then publishes', () => {
    expect(verify.steps.some((s) => s.run?.includes('.ci/run'))).toBe(true);
    expect(pack.needs).toBe('verify');
    expect(pack.strategy?.matrix.include.map((m) => m.os).sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest']);
    expect(publish.needs).toBe('package');
  });

  it('reads signing secrets only in the protected release environment', () => {
    expect(pack.environment).toBe('release');
    expect(publish.environment).toBe('release');
    expect(JSON.stringify(verify)).not.toContain('secrets.');
  });

  it('stops instead of shipping unsigned Windows or macOS installers, or an unnotarized Mac build', () => {
    expect(packagingStep('win').run).toContain('-c.forceCodeSigning=true');
    expect(packagingStep('mac').run).toContain('-c.forceCodeSigning=true');
    expect(packagingStep('mac').env?.['TWOFOLD_REQUIRE_NOTARIZATION']).toBe('true');
  });

  it('bakes in the update feed address and leaves uploading to the publish job', () => {
    expect(pack.env?.['TWOFOLD_UPDATE_URL']).toBe('${{ vars.TWOFOLD_UPDATE_URL }}');
    for (const platform of ['win', 'mac', 'linux']) expect(packagingStep(platform).run).toContain('--publish never');
  });

  it('packages through scripts/dist.mjs, which checks the environment, never electron-builder directly', () => {
    expect(packagingStep('win').run).toMatch(/node scripts\/dist\.mjs "\$\{args\[@\]\}"/);
    expect(packagingStep('win').run).toContain('args=(--win ');
    expect(packagingStep('mac').run).toContain('node scripts/dist.mjs --mac ');
    expect(packagingStep('linux').run).toContain('node scripts/dist.mjs --linux ');
    for (const step of pack.steps) expect(step.run ?? '').not.toMatch(/npx electron-builder|\.bin\/electron-builder|electron-builder\/cli\.js/);
  });

  it('names the deb and rpm maintainer and homepage from repository variables', () => {
    expect(packagingStep('linux').env?.['TWOFOLD_MAINTAINER']).toBe('${{ vars.TWOFOLD_MAINTAINER }}');
    expect(packagingStep('linux').env?.['TWOFOLD_HOMEPAGE']).toBe('${{ vars.TWOFOLD_HOMEPAGE }}');
    const header = readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8').split('\nname:')[0] ?? '';
    expect(header).toMatch(/TWOFOLD_MAINTAINER \(required\)/);
    expect(header).toContain('TWOFOLD_HOMEPAGE');
  });

  it('never expands a secret or variable inside a shell script, where it could be echoed or injected', () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) expect(step.run ?? '', step.name ?? step.run).not.toMatch(/\$\{\{\s*(secrets|vars)\./);
    }
  });
});
