// `npm test`: typecheck, lint, build, the electronegativity audit, then every test project (unit, e2e in Chromium, Electron specs).
// Stops at the first failing step and exits non-zero.
import { spawnSync } from 'node:child_process';

const steps = [
  ['typecheck', 'npx', ['tsc', '-b']],
  ['lint', 'npx', ['eslint', '.', '--max-warnings=0']],
  ['build', 'node', ['scripts/build.mjs']],
  // electronegativity over the built app: fails on any HIGH severity finding (offline, ~15 s).
  ['audit:electron', 'node', ['scripts/audit-electron.mjs']],
  ['tests', 'npx', ['vitest', 'run', ...process.argv.slice(2)]],
];

for (const [name, cmd, args] of steps) {
  const started = Date.now();
  console.log(`\n== ${name}: ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n== ${name} failed after ${seconds} s`);
    process.exit(result.status ?? 1);
  }
  console.log(`== ${name} passed in ${seconds} s`);
}
