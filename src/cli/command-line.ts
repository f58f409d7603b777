/**
 * Whether `error` is node:util's parseArgs refusing the command line (an unknown option, an option
 * without its value): the user's to mend, said in a line with the command's usage, not as a stack trace.
 */
export function isCommandLineError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** An option's value refused: said, as parseArgs's own refusals are, in a line with the command's usage. */
export function invalidOption(message: string): Error {
  return Object.assign(new TypeError(message), { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' });
}

/**
 * `--name`'s value as a number above 0, or of at least 0 with `orZero`; refused otherwise (`Number('abc')`
 * would run on as NaN).
 */
export function positiveNumber(name: string, text: string | undefined, { orZero = false } = {}): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(value) || value < 0 || (value === 0 && !orZero)) {
    throw invalidOption(`--${name} must be a number ${orZero ? 'of at least 0' : 'above 0'}; got ${JSON.stringify(text ?? '')}.`);
  }
  return value;
}

/** `--name`'s value as a whole number of at least `least`; refused otherwise. */
export function wholeNumber(name: string, text: string | undefined, least: number): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isSafeInteger(value) || value < least) {
    const range = least === Number.MIN_SAFE_INTEGER ? 'a whole number' : `a whole number of at least ${least}`;
    throw invalidOption(`--${name} must be ${range}; got ${JSON.stringify(text ?? '')}.`);
  }
  return value;
}
