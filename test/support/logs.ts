import type { LoggerService } from '@nestjs/common';

/** One line a Nest logger was asked to write. */
export interface LogEntry {
  readonly level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  readonly message: string;
  /** What came after the message: for `error`, Nest passes the stack, then the logger's context. */
  readonly params: readonly unknown[];
}

/** A logger that keeps what it is given, for `app.useLogger(logs)`: tests assert on the lines a user would see. */
export class CapturingLogger implements LoggerService {
  readonly entries: LogEntry[] = [];

  /** Lines at `error` level. */
  errors(): LogEntry[] {
    return this.entries.filter((entry) => entry.level === 'error');
  }

  /** Forgets every line kept so far. */
  clear(): void {
    this.entries.length = 0;
  }

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

  private push(level: LogEntry['level'], message: unknown, params: unknown[]): void {
    this.entries.push({ level, message: String(message), params });
  }
}
