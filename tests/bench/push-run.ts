/**
 * Runs only the push figures of the bench: `node --import tsx tests/bench/push-run.ts
 * [--devices 1,1000,10000] [--samples 50] [--workers 4]`. `npm run bench` runs them after the rest.
 */
import { parseArgs } from 'node:util';
import { benchPush, DEFAULT_PUSH_BENCH } from './push-bench';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: DEFAULT_PUSH_BENCH.idleCounts.join(',') },
    samples: { type: 'string', default: String(DEFAULT_PUSH_BENCH.samples) },
    workers: { type: 'string', default: String(DEFAULT_PUSH_BENCH.workers) },
  },
});

console.log(`Twofold push bench — Node ${process.version}, ${new Date().toISOString()}`);
await benchPush({
  idleCounts: values.devices.split(',').map(Number),
  samples: Number(values.samples),
  workers: Number(values.workers),
});
