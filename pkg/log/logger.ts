/**
 * Structured logging (pino) with a component name; `-v` raises the level. Each line names the
 * binary once (`component`); a part of it logs under `logger` (as Kubernetes' contextual
 * logging names its loggers), e.g. `log.child({ logger: 'volumemanager' })`.
 *
 * Two formats, chosen with --logging-format as Kubernetes names it: `json` (the default here:
 * pino's one JSON object per line, for machines and `pino-pretty`) and `text` (klog-like, one
 * readable line: `I1206 21:30:00.123456 kubelet] "message" key="value"`).
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { formatTextLine } from './text';

/** The --logging-format values. */
export const LoggingFormat = { JSON: 'json', Text: 'text' } as const;
export type LoggingFormat = (typeof LoggingFormat)[keyof typeof LoggingFormat];

/** True for a --logging-format value this binary supports. */
export function isLoggingFormat(v: unknown): v is LoggingFormat {
  return v === LoggingFormat.JSON || v === LoggingFormat.Text;
}

/** The --logging-format flag's check (see pkg/flags). */
export const checkLoggingFormat = (v: string | number | boolean): string | undefined =>
  isLoggingFormat(v) ? undefined : 'must be "json" or "text"';

/** pino's JSON lines turned into text lines on `out` (synchronously, in order). */
function textDestination(out: NodeJS.WritableStream): DestinationStream {
  return {
    write: (line: string) => {
      out.write(formatTextLine(line));
    },
  };
}

/** Creates a component logger. verbosity 0 = info, 1+ = debug, 4+ = trace. */
export function newLogger(component: string, verbosity = 0, format: LoggingFormat = LoggingFormat.JSON): Logger {
  const level = process.env.LOG_LEVEL ?? (verbosity >= 4 ? 'trace' : verbosity >= 1 ? 'debug' : 'info');
  const options = { level, base: { component } };
  return format === LoggingFormat.Text ? pino(options, textDestination(process.stdout)) : pino(options);
}

/** A logger that discards everything (unit tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
