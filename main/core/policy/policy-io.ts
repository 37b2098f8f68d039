/**
 * The I/O the policy readers need, injected so that every reader is tested without the OS it reads:
 * tests pass fixtures, main passes createNodePolicyIo().
 */
import type { PolicySource } from './policy-schema';

/** What a finished command printed and how it exited. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a program (no shell) and resolves with its output; rejects when it can't be started or times out. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<CommandResult>;

/** Owner and permission bits of a file, to warn when users other than root could rewrite policy. */
export interface FileOwnership {
  uid: number;
  mode: number;
}

/** Everything the three readers may touch. */
export interface PolicyIo {
  /** Reads a UTF-8 file; rejects with an error whose `code` is 'ENOENT' when it does not exist. */
  readTextFile(path: string): Promise<string>;
  /** Owner and mode of a file; may reject (the reader then skips the ownership warning). */
  statFile(path: string): Promise<FileOwnership>;
  /** True when a file exists (readable or not). */
  pathExists(path: string): Promise<boolean>;
  /** Runs reg.exe (Windows) or plutil (macOS). */
  run: CommandRunner;
}

/** What a platform reader found: the sources in precedence order (highest first) and warnings. */
export interface PolicyReadout {
  sources: PolicySource[];
  /** Warnings that do not change the policy (e.g. a policy file writable by users). */
  problems: string[];
}

/** The largest policy input read, in characters: real policies are a few hundred bytes. */
export const MAX_POLICY_CHARS = 1024 * 1024;

/** A readable reason for a failed read, without stack traces. */
export function describeIoError(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'ETIMEDOUT') return 'it took too long';
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 200);
}

/** True when a read failed because the file is not there. */
export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 'ENOENT';
}

/** Parses JSON text that must hold one object, as a source; anything else makes the source unreadable. */
export function jsonObjectSource(location: string, text: string, what: string): PolicySource {
  if (text.length > MAX_POLICY_CHARS) return { location, unreadable: `it is larger than ${MAX_POLICY_CHARS / 1024 / 1024} MiB` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { location, unreadable: `it is not valid ${what} (${describeIoError(error)})` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { location, unreadable: `it must hold one object of keys and values, not ${Array.isArray(parsed) ? 'a list' : JSON.stringify(parsed)}` };
  }
  return { location, values: parsed as Record<string, unknown> };
}
