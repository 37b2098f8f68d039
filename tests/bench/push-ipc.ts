/**
 * Request/response over Node's process IPC (fork + process.send) between the push bench and its
 * child processes (the identity provider and the idle-device workers). Every command is answered
 * once, by id; a child that exits fails every command still waiting.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** A command sent to a child. */
export interface IpcCommand {
  id: number;
  cmd: string;
  args: unknown;
}

/** A child's answer to one command. */
export type IpcAnswer = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Milliseconds since the epoch with sub-millisecond resolution, comparable across processes up to a small offset. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** A forked child that answers commands. */
export class IpcChild {
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private exited: string | null = null;
  readonly exit: Promise<void>;

  private constructor(readonly name: string, readonly process: ChildProcess) {
    process.on('message', (raw) => {
      const answer = raw as IpcAnswer;
      const waiter = this.waiting.get(answer.id);
      if (!waiter) return;
      this.waiting.delete(answer.id);
      if (answer.ok) waiter.resolve(answer.result);
      else waiter.reject(new Error(`${name}: ${answer.error}`));
    });
    this.exit = new Promise((resolve) => {
      process.on('exit', (code, signal) => {
        this.exited = `${name} exited (${signal ?? `code ${code}`})`;
        for (const waiter of this.waiting.values()) waiter.reject(new Error(this.exited));
        this.waiting.clear();
        resolve();
      });
    });
  }

  /** Forks `script` with tsx; `execArgv` adds Node flags (e.g. --expose-gc). */
  static start(name: string, script: string, execArgv: string[] = []): Promise<IpcChild> {
    const child = fork(script, [], { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ipc = new IpcChild(name, child);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      // The child's first message, { ready: true }, says its command handler is installed.
      child.once('message', () => resolve(ipc));
      void ipc.exit.then(() => reject(new Error(ipc.exited ?? `${name} exited`)));
    });
  }

  /** Sends a command and waits for its answer, at most `timeoutMs`. */
  call<T>(cmd: string, args: unknown = {}, timeoutMs = 120_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name}: '${cmd}' got no answer in ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.process.send({ id, cmd, args } satisfies IpcCommand);
    });
  }

  /** Asks the child to exit, then kills it (by its pid) if it is still there after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.exited) return;
    try {
      this.process.send({ id: 0, cmd: 'exit', args: {} } satisfies IpcCommand);
    } catch {
      // The channel may already be closed; the kill below still applies.
    }
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exit;
    clearTimeout(timer);
  }

  /** Kills the child now. */
  kill(): void {
    if (!this.exited) this.process.kill('SIGKILL');
  }
}

/**
 * Installs a child's command handler: answers each command with `handle`'s result or error, exits
 * on `exit` and when the parent goes away (so a crashed bench leaves no process behind).
 */
export function serveCommands(handle: (cmd: string, args: unknown) => Promise<unknown>, onExit: () => Promise<void> = async () => {}): void {
  const send = (message: IpcAnswer | { ready: true }): void => {
    if (process.connected) process.send!(message);
  };
  const quit = (): void => {
    void onExit()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('disconnect', quit);
  process.on('message', (raw) => {
    const { id, cmd, args } = raw as IpcCommand;
    if (cmd === 'exit') {
      quit();
      return;
    }
    handle(cmd, args).then(
      (result) => send({ id, ok: true, result }),
      (error: unknown) => send({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  send({ ready: true });
}
