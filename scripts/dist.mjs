// `npm run dist`, `dist:win`, `dist:mac`, `dist:linux`: electron-builder, after checking the release
// environment. Arguments go to electron-builder unchanged.
//
//   TWOFOLD_UPDATE_URL   https URL of the update feed, written into every build (publish.url)
//   TWOFOLD_MAINTAINER   "Name <email>" of whoever builds and publishes the deb and rpm: their Maintainer
//   TWOFOLD_HOMEPAGE     https URL for the deb and rpm; optional when origin is a GitHub repository,
//                        which electron-builder then names instead
//
// The deb and rpm must name a maintainer and a homepage. package.json holds no public contact
// details, on purpose: the release pipeline, or an IT department rebuilding Twofold, names itself,
// the same way it names the update feed. electron-builder would stop with advice to edit
// package.json; this stops before the build starts instead, naming the variable to set.
import { execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** An empty variable (GitHub Actions gives one for an unset `vars.X`) counts as unset. */
function env(name) {
  return process.env[name] || undefined;
}

function isHttpsUrl(value) {
  return URL.canParse(value) && new URL(value).protocol === 'https:';
}

/** What a malformed value was; these variables hold public addresses, never secrets. */
function got(value) {
  return value ? `; it is "${value}"` : '';
}

// electron-builder's platform flags, long (--linux, --linux=deb) and short (-l, or grouped as in -mwl).
const platformFlags = {
  mac: [/^--(mac|macos)(=|$)/, /^-[a-z]*[mo][a-z]*$/],
  win: [/^--(win|windows)(=|$)/, /^-[a-z]*w[a-z]*$/],
  linux: [/^--linux(=|$)/, /^-[a-z]*l[a-z]*$/],
};
const builds = (platform) => args.some((arg) => platformFlags[platform].some((flag) => flag.test(arg)));

/** The remote electron-builder derives a homepage from when package.json names none. */
function isGitHubOrigin() {
  try {
    const url = execFileSync('git', ['remote', 'get-url', 'origin'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?github\.com[:/]/i.test(url);
  } catch {
    return false;
  }
}

// Every problem at once, one line each, so that a release engineer fixes them in one go.
const problems = [];
const builderArgs = [...args];

const updateUrl = env('TWOFOLD_UPDATE_URL');
if (!isHttpsUrl(updateUrl ?? '')) {
  problems.push(`set TWOFOLD_UPDATE_URL to the https:// address of the update feed, e.g. TWOFOLD_UPDATE_URL=https://updates.example.com/twofold${got(updateUrl)}`);
}

// Without a platform flag electron-builder builds for this OS.
const anyNamed = Object.keys(platformFlags).some(builds);
if (builds('linux') || (!anyNamed && process.platform === 'linux')) {
  const maintainer = env('TWOFOLD_MAINTAINER');
  if (maintainer && /^[^<>\s][^<>]*\s<[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+>$/.test(maintainer)) {
    builderArgs.push(`-c.linux.maintainer=${maintainer}`);
  } else {
    problems.push(`set TWOFOLD_MAINTAINER to "Name <email>" of whoever builds and publishes the deb and rpm, e.g. TWOFOLD_MAINTAINER="Example IT <it@example.com>"${got(maintainer)}`);
  }

  const homepage = env('TWOFOLD_HOMEPAGE');
  if (homepage && isHttpsUrl(homepage)) {
    builderArgs.push(`-c.extraMetadata.homepage=${homepage}`);
  } else if (homepage || !isGitHubOrigin()) {
    problems.push(`set TWOFOLD_HOMEPAGE to the https:// address the deb and rpm name as their homepage (needed unless the origin remote is on GitHub), e.g. TWOFOLD_HOMEPAGE=https://it.example.com/twofold${got(homepage)}`);
  }
  if (problems.length === 0) console.log(`dist: Linux packages maintained by ${maintainer}, homepage ${homepage ?? 'from the GitHub origin remote'}`);
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`dist: ${problem}`);
  process.exit(1);
}

const cli = join(root, 'node_modules', 'electron-builder', 'cli.js');
spawn(process.execPath, [cli, ...builderArgs], { stdio: 'inherit' }).on('exit', (code) => {
  process.exit(code ?? 1);
});
