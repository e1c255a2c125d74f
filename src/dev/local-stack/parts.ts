/**
 * One process of the local stack (`npm start`). Each part is a separate child process, started in
 * order; its environment is the shared stack environment plus `env`. A capability that needs a
 * process locally (the watcher, the dev IdP, a stand-in API) adds one entry to LOCAL_STACK_PARTS.
 */
export interface LocalStackPart {
  /** Short name used to prefix its output. */
  name: string;
  /** Node entry script relative to the repo root (dist/… or node_modules/…). */
  script: string;
  args?: string[];
  /** Extra environment for this part only. */
  env?: Record<string, string>;
  /** Loopback ports this part will listen on, with what they are, checked free before start. */
  ports: Array<{ port: number; what: string }>;
  /** A line of its output that means it is up. */
  readyWhen: RegExp;
  /** Signal that asks it to stop gracefully (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /**
   * A line it prints once it has closed cleanly but may linger (Azurite keeps a handle open after
   * "successfully closed"); the supervisor then ends the process.
   */
  stoppedWhen?: RegExp;
  /** URLs to print once the stack is up. */
  urls?: Array<{ label: string; url: string }>;
}
