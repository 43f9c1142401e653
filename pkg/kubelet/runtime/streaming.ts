/**
 * The streaming half of the container runtime: exec a command in a running container, or
 * attach to its main process. Both hand back a `StreamSession` the kubelet's streaming server
 * wires to the client's WebSocket channels.
 */

/** A terminal size in character cells (what `kubectl exec -it` sends on the resize channel). */
export interface TerminalSize {
  width: number;
  height: number;
}

/** What `exec` runs and which streams it wants. */
export interface ExecSpec {
  /** argv; the first element is looked up in the container's PATH. */
  command: string[];
  /** Attach the process's stdin (the client sends on channel 0). */
  stdin: boolean;
  /** Run under a pseudo-terminal: stdout and stderr are one stream, resize applies. */
  tty: boolean;
}

/** Which streams `attach` wants. */
export interface AttachSpec {
  /** Attach the main process's stdin (the container must have been created with stdin open). */
  stdin: boolean;
  /** The container runs under a TTY (its output is one raw stream). */
  tty: boolean;
}

/** How a session ended. */
export interface SessionResult {
  /** The exec'd process's exit code (absent for attach, or when the runtime does not know it). */
  exitCode?: number;
}

/**
 * A running exec or attach session. `stdout` (and `stderr` without a TTY) end when the process
 * (or, for attach, the container) stops writing; `done` resolves after both ended.
 */
export interface StreamSession {
  /** The process's stdin (absent when not asked for); `end()` closes the process's stdin. */
  stdin?: NodeJS.WritableStream;
  /** stdout, or with a TTY everything the terminal shows. */
  stdout: NodeJS.ReadableStream;
  /** stderr (absent with a TTY). */
  stderr?: NodeJS.ReadableStream;
  /** Resizes the session's terminal (no-op without a TTY). */
  resize(size: TerminalSize): Promise<void>;
  /** Resolves once the output ended, with the exit code for exec. */
  done: Promise<SessionResult>;
  /**
   * Ends the session early (the client went away): exec kills the process and everything it
   * started; attach only detaches. Idempotent; resolves when done.
   */
  kill(): Promise<void>;
}
