import type { LoggerService } from '@nestjs/common';

/** The levels a Nest `LoggerService` is called with. */
export type CapturedLevel = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

/** One line as the app logged it: the message, then whatever Nest passed along (stack, context). */
export interface CapturedLine {
  level: CapturedLevel;
  message: string;
  /** Stack traces and the logger's context, as strings. */
  params: string[];
}

/**
 * A `LoggerService` that keeps every line in memory, so a test can read what an operator would see in the logs.
 * Pass it as `startServer(..., { logger })`; Nest's logger is process-wide, so use one per test file.
 */
export class LogCapture implements LoggerService {
  readonly lines: CapturedLine[] = [];

  log(message: unknown, ...params: unknown[]): void {
    this.push('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.push('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.push('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.push('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.push('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.push('fatal', message, params);
  }

  /** Forgets every line kept so far. */
  clear(): void {
    this.lines.length = 0;
  }

  /** The lines at `error` level. */
  errors(): CapturedLine[] {
    return this.at('error');
  }

  /** The lines of one level. */
  at(level: CapturedLevel): CapturedLine[] {
    return this.lines.filter((line) => line.level === level);
  }

  /** Everything logged, one line per call with its params, as a single string to search. */
  get text(): string {
    return this.lines.map((line) => [line.level, line.message, ...line.params].join(' ')).join('\n');
  }

  private push(level: CapturedLevel, message: unknown, params: unknown[]): void {
    this.lines.push({ level, message: asText(message), params: params.filter((param) => param !== undefined).map(asText) });
  }
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack ?? value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
