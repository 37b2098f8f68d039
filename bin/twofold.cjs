#!/usr/bin/env node
// The `twofold` command. It runs the bundled CLI built by `npm run build`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'cli', 'twofold.cjs');
if (!existsSync(cli)) {
  process.stderr.write('twofold: the command line is not built yet. Run `npm run build` in the Twofold folder first.\n');
  process.exit(2);
}
require(cli).main();
