/**
 * Whether `error` is node:util's parseArgs refusing the command line (an unknown option, an option
 * without its value): the user's to mend, said in a line with the command's usage, not as a stack trace.
 */
export function isCommandLineError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
