// `npm run audit:electron`: Doyensec's electronegativity over the built app (dist/, what
// electron-builder.yml packages), failing on any HIGH severity finding. `npm test` runs it after the
// build step, so CI does too.
//
//   node scripts/audit-electron.mjs [--dist <dir>] [--online]
//
// The built app is scanned as packaged, with two adjustments made on a temporary copy, because
// electronegativity 1.10 would otherwise skip code without saying so:
// - it reads only .js/.ts/.html files, and the bundles are .cjs: the copy renames them to .js;
// - its AST walker stops at class private fields (#x, ES2022), which the bundled dependencies use:
//   esbuild lowers the copy to ES2019 first. The lowering keeps every object literal and call (the
//   webPreferences, the navigation guards) that the checks look for.
// A file it still cannot parse fails the audit: a skipped file would be a silent pass.
//
// Offline by default, so that it is deterministic and fast in CI: the AVAILABLE_SECURITY_FIXES check
// downloads Electron's release list from GitHub, so it runs only with --online; and the tool's
// translation download (its English strings ship in the package) is answered "offline" at once
// instead of waiting on DNS on every run.
// Exit codes: 0 no HIGH finding; 1 HIGH findings or files it could not parse; 2 nothing to scan.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Module, { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { transform } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { dist: { type: 'string', default: join(root, 'dist') }, online: { type: 'boolean', default: false } } });
const dist = resolve(args.dist);
// The folders electron-builder.yml packages (`files:`); dist/cli is the command line, not the app.
const packaged = ['main', 'preload', 'renderer'];

if (!existsSync(join(dist, 'main')) || !existsSync(join(dist, 'renderer'))) {
  console.error(`audit:electron: no built app in ${dist}. Run \`npm run build\` first.`);
  process.exit(2);
}

/** Loads electronegativity; offline, its HTTP client (got) rejects at once, before any lookup. */
async function loadElectronegativity(online) {
  const require = createRequire(import.meta.url);
  if (!online) {
    const gotPath = createRequire(require.resolve('@doyensec/electronegativity')).resolve('got');
    const offline = () => Promise.reject(new Error('audit:electron runs offline (pass --online to allow network)'));
    offline.head = offline;
    const stub = new Module(gotPath);
    stub.filename = gotPath;
    stub.exports = offline;
    stub.loaded = true;
    require.cache[gotPath] = stub;
  }
  return require('@doyensec/electronegativity');
}

function* filesUnder(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

const stage = mkdtempSync(join(tmpdir(), 'twofold-audit-'));
// Staged path (as electronegativity reports it) → the built file it came from, for the report.
const origin = new Map();
try {
  for (const folder of packaged) {
    if (!existsSync(join(dist, folder))) continue;
    for (const file of filesUnder(join(dist, folder))) {
      const built = relative(dist, file);
      if (/\.(c|m)?js$/.test(file)) {
        const lowered = await transform(readFileSync(file, 'utf8'), { loader: 'js', target: 'es2019', legalComments: 'none' });
        const staged = built.replace(/\.(c|m)js$/, '.js');
        mkdirSync(dirname(join(stage, staged)), { recursive: true });
        writeFileSync(join(stage, staged), lowered.code);
        origin.set(staged, built);
      } else if (/\.html?$/.test(file)) {
        cpSync(file, join(stage, built));
        origin.set(built, built);
      }
    }
  }
  // package.json tells it the Electron version, for its version-specific checks.
  cpSync(join(root, 'package.json'), join(stage, 'package.json'));

  const electronegativity = await loadElectronegativity(args.online);
  const started = Date.now();
  const result = await electronegativity(
    {
      input: stage,
      isRelative: true,
      customScan: [],
      excludeFromScan: args.online ? [] : ['availablesecurityfixesglobalcheck'],
      parserPlugins: [],
    },
    false,
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  const findings = [...result.issues].sort((a, b) => b.severity.value - a.severity.value || b.confidence.value - a.confidence.value);
  console.log(`audit:electron: ${result.globalChecks + result.atomicChecks} electronegativity checks over ${packaged.map((f) => `dist/${f}`).join(', ')} in ${seconds} s`);
  for (const issue of findings) {
    // Lines in bundles are those of the ES2019 copy, close to but not always the built file's.
    const where = issue.file === 'N/A' ? '(whole app)' : `${origin.get(issue.file) ?? issue.file}:${issue.location.line}`;
    console.log(`  ${issue.severity.name.padEnd(13)} ${issue.confidence.name.padEnd(9)} ${issue.id.padEnd(40)} ${where}`);
    if (issue.description) console.log(`      ${String(issue.description).split('\n')[0]}`);
  }

  const unparsed = result.errors.filter((e) => !e.tolerable);
  const high = findings.filter((issue) => issue.severity.value >= 3);
  for (const error of unparsed) {
    const staged = relative(stage, error.file);
    console.error(`audit:electron: could not parse ${origin.get(staged) ?? staged} (${error.message}); its checks did not run.`);
  }
  if (high.length > 0) {
    console.error(`audit:electron: ${high.length} HIGH severity finding(s): ${[...new Set(high.map((i) => i.id))].join(', ')}. Fix them, or justify each with an eng-disable comment.`);
  }
  if (unparsed.length > 0 || high.length > 0) process.exitCode = 1;
  else console.log(`audit:electron: no HIGH severity findings (${findings.length} lower: see above)`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
