import * as path from 'node:path';

/** Where the process was started and by whom: the parts of the environment {@link callerCwd} reads. */
export interface CallerEnv {
  /** The directory the user ran pnpm in (pnpm sets it for every script). */
  readonly INIT_CWD?: string;
  /** The package.json whose script pnpm is running; its folder is where pnpm starts the script. */
  readonly npm_package_json?: string;
}

/**
 * The directory the user typed the command in.
 *
 * Root scripts (`pnpm rpn …`) run with the repository root as working directory, whatever folder
 * the user stood in; pnpm records that folder in `INIT_CWD`. `INIT_CWD` is used only while the
 * process still runs where pnpm started the script (`dirname(npm_package_json)`): a process that a
 * test or another tool started elsewhere inherits pnpm's variables but not its directory, and its
 * own `process.cwd()` is then the caller's. Run directly with node, it is `process.cwd()`.
 */
export function callerCwd(env: CallerEnv = process.env, cwd: string = process.cwd()): string {
  const init = env.INIT_CWD;
  if (!init || !path.isAbsolute(init)) return cwd;
  const scriptDir = env.npm_package_json ? path.dirname(env.npm_package_json) : undefined;
  if (scriptDir === undefined || path.resolve(scriptDir) !== path.resolve(cwd)) return cwd;
  return path.resolve(init);
}

/**
 * A path the user gave, made absolute from the caller's directory (see {@link callerCwd});
 * absolute paths are returned normalised. Every path argument and option of the `rpn` commands
 * goes through this function.
 */
export function fromCaller(p: string, env: CallerEnv = process.env, cwd: string = process.cwd()): string {
  return path.resolve(callerCwd(env, cwd), p);
}
