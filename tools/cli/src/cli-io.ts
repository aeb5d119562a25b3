/** What a command may touch of the outside world: injected so tests and embedding stay explicit. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths resolve against (`INIT_CWD` under pnpm, else the process cwd). */
  readonly cwd: string;
  /** Aborted by SIGINT/SIGTERM: long commands (`events --follow`) end quietly on it. */
  readonly signal: AbortSignal;
}
