import { RpnError } from '@rpn/core';

/** True when an RPN_DEBUG value asks for stack traces (`1`, `true`, `yes`; not `0`, `false`, empty). */
export function debugEnabled(value: string | undefined): boolean {
  return value !== undefined && !/^(|0|false|no|off)$/i.test(value.trim());
}

/** Collapses a message onto one line (YAML and tfjs messages can span several). */
const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();

/**
 * What the `rpn` command prints on stderr when a command fails: one line,
 * `error: <message>` for a typed RpnError (its message already names argument, expected and
 * received), `error: <Name>: <message>` for anything else. With `debug` set (RPN_DEBUG=1) the
 * stack trace follows on the next lines.
 */
export function errorLine(e: unknown, debug?: string): string {
  const err = e instanceof Error ? e : undefined;
  const text = err ? oneLine(err.message) : oneLine(String(e));
  const line = e instanceof RpnError || !err ? `error: ${text}` : `error: ${err.name}: ${text}`;
  return debugEnabled(debug) && err?.stack ? `${line}\n${err.stack}` : line;
}
