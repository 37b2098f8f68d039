/**
 * The real PolicyIo over Node's fs and child_process, used by main/index.ts. Commands run without a
 * shell, with a timeout and an output cap, so a hung reg.exe or plutil can't stall start-up.
 */
import { execFile } from 'node:child_process';
import { access, readFile, stat } from 'node:fs/promises';
import { MAX_POLICY_CHARS, type CommandRunner, type PolicyIo } from './policy-io';

/** How long a policy command may run. */
export const POLICY_COMMAND_TIMEOUT_MS = 10_000;

/** Runs a program without a shell; resolves with its exit code and output, rejects when it can't start or times out. */
export const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { encoding: 'utf8', timeout: POLICY_COMMAND_TIMEOUT_MS, maxBuffer: MAX_POLICY_CHARS + 1, windowsHide: true },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error.killed ? Object.assign(new Error(`${file} took longer than ${POLICY_COMMAND_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' }) : error);
          return;
        }
        resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });

/** PolicyIo over the real file system and processes. */
export function createNodePolicyIo(): PolicyIo {
  return {
    readTextFile: (path) => readFile(path, 'utf8'),
    statFile: async (path) => {
      const info = await stat(path);
      return { uid: info.uid, mode: info.mode };
    },
    pathExists: async (path) => {
      try {
        await access(path);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    },
    run: runCommand,
  };
}
