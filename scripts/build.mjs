// Builds everything the app and the CLI run from:
//   dist/main/index.cjs     main process (CJS bundle; electron stays external)
//   dist/main/ente-kdf-thread.cjs  worker thread for Ente's Argon2id
//   dist/preload/index.cjs  preload (one CJS bundle, as the sandbox requires)
//   dist/cli/twofold.cjs    the `twofold` command line
//   dist/{main,cli}/qr-reader-thread.cjs, zxing_reader.wasm  the QR code reader's worker thread
//                           and zxing-wasm's binary, loaded from beside the bundle (main/core/qr-reader.ts)
//   dist/renderer/          renderer (Vite)
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { copyFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
  // import.meta.url is used by some ESM dependencies; give the CJS bundle a faithful value.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  // ws tries these optional native speed-ups and falls back to JavaScript without them.
  external: ['bufferutil', 'utf-8-validate'],
};

if (only.length === 0) rmSync(join(root, 'dist'), { recursive: true, force: true });

const jobs = [];
if (want('main')) {
  jobs.push(esbuild({ ...node, entryPoints: ['main/index.ts'], outfile: 'dist/main/index.cjs', external: ['electron', ...node.external] }));
}
if (want('main')) {
  // Ente's Argon2id runs in a worker thread of its own (main/core/import/ente-kdf-worker.ts).
  jobs.push(esbuild({ ...node, entryPoints: ['main/core/import/ente-kdf-thread.ts'], outfile: 'dist/main/ente-kdf-thread.cjs' }));
}
if (want('preload')) {
  jobs.push(
    esbuild({ ...node, entryPoints: ['preload/index.ts'], outfile: 'dist/preload/index.cjs', external: ['electron'], platform: 'browser', define: {}, banner: {}, minify: true }),
  );
}
if (want('cli')) {
  jobs.push(esbuild({ ...node, entryPoints: ['main/cli/twofold.ts'], outfile: 'dist/cli/twofold.cjs' }));
}
// The QR code reader runs in a worker thread of its own, beside each bundle that reads images.
for (const target of ['main', 'cli'].filter(want)) {
  jobs.push(esbuild({ ...node, entryPoints: ['main/core/qr-reader-thread.ts'], outfile: `dist/${target}/qr-reader-thread.cjs` }));
}
await Promise.all(jobs);
// The reader thread gets zxing-wasm's binary from beside the running bundle: the packaged app ships
// no node_modules, and the binary must never be fetched from the network.
for (const target of ['main', 'cli'].filter(want)) {
  copyFileSync(join(root, 'node_modules/zxing-wasm/dist/reader/zxing_reader.wasm'), join(root, `dist/${target}/zxing_reader.wasm`));
}
if (want('renderer')) {
  await viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}
console.log(`built ${only.length ? only.join(', ') : 'main, preload, cli, renderer'} into dist/`);
