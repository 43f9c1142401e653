/** Structured logging (pino) with a component name; `-v` raises the level. */
import pino, { type Logger } from 'pino';

/** Creates a component logger. verbosity 0 = info, 1+ = debug, 4+ = trace. */
export function newLogger(component: string, verbosity = 0): Logger {
  const level = process.env.LOG_LEVEL ?? (verbosity >= 4 ? 'trace' : verbosity >= 1 ? 'debug' : 'info');
  return pino({ name: component, level, base: { component } });
}

/** A logger that discards everything (unit tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
