/**
 * Worker-thread entry that runs Ente's Argon2id derivation (see ente-kdf-worker.ts). Built into
 * its own bundle, dist/main/ente-kdf-thread.cjs, by scripts/build.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { deriveEnteKeyInThread } from './ente';

interface Job {
  password: Uint8Array;
  salt: Uint8Array;
  opsLimit: number;
  memLimit: number;
}

const job = workerData as Job;
deriveEnteKeyInThread(job.password, job.salt, job.opsLimit, job.memLimit).then(
  (key) => parentPort?.postMessage(key),
  // Only the error's name: libsodium's messages are generic, but nothing of the job may leak.
  (error: unknown) => parentPort?.postMessage({ failed: error instanceof Error ? error.name : 'Error' }),
);
