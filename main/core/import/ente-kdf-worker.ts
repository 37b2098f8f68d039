/**
 * Runs Ente's Argon2id key derivation in a worker thread. At Ente's cost (256 MiB, 16 passes) it
 * takes seconds, which would freeze the Electron main process; and WebAssembly memory, once grown,
 * is only given back when its thread ends, so each derivation gets a thread of its own.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { TwofoldError } from '../../../common/errors';
import type { EnteKeyDeriver } from './ente';

function failed(): TwofoldError {
  return new TwofoldError('IMPORT_INVALID', 'The key of this Ente Auth export could not be derived. Try again, or export it again from Ente Auth.');
}

/**
 * A deriver that runs the bundled thread script (dist/main/ente-kdf-thread.cjs). The script is read
 * and evaluated rather than loaded by path, because a path inside the packaged app's asar archive
 * can't be loaded by a worker thread.
 */
export function deriveEnteKeyInWorker(threadScript: string): EnteKeyDeriver {
  return (password, salt, opsLimit, memLimit) =>
    new Promise<Uint8Array>((resolve, reject) => {
      let code: string;
      try {
        code = readFileSync(threadScript, 'utf8');
      } catch {
        reject(failed());
        return;
      }
      const worker = new Worker(code, { eval: true, workerData: { password, salt, opsLimit, memLimit } });
      let settled = false;
      worker.once('message', (message: unknown) => {
        settled = true;
        if (message instanceof Uint8Array) resolve(new Uint8Array(message));
        else reject(failed());
        void worker.terminate();
      });
      worker.once('error', () => {
        settled = true;
        reject(failed());
      });
      worker.once('exit', () => {
        if (!settled) reject(failed());
      });
    });
}
