/**
 * `npm run idp [-- --demo] [--port N] [--data DIR]`: runs the reference identity provider on
 * 127.0.0.1. Data lives in ./.idp-data by default.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { startIdp } from './app';
import { seedDemoUser } from './web/users';

const { values } = parseArgs({
  options: {
    demo: { type: 'boolean', default: false },
    port: { type: 'string', default: '8787' },
    data: { type: 'string', default: '.idp-data' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`idp: --port must be a number from 0 to 65535, not '${values.port}'.`);
  process.exit(2);
}
const idp = await startIdp({ dataDir: resolve(values.data), host: values.host, port });
console.log(`Twofold reference identity provider listening on ${idp.origin}  (data: ${resolve(values.data)})`);
if (values.demo) {
  const demo = await seedDemoUser(idp.ctx);
  console.log(`Demo user: ${demo.email} / ${demo.password}`);
  console.log(`Sign in at ${idp.origin}/signin, then open Security to enroll Twofold.`);
}
const stop = (): void => {
  void idp.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
