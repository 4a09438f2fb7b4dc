/**
 * The logger this layer writes to: the subset of pino it uses, so a pino
 * logger (or a child of one) can be passed as is. Every call is
 * `(fields, message)`; fields never hold passwords or key material.
 */
export type LogFn = (fields: Record<string, unknown>, message: string) => void;

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const ignore: LogFn = () => {};

export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
