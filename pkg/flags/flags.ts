/**
 * Kubernetes-style command-line flags (`--name=value`, `--name value`, `--bool`, `-v=N`),
 * declared once with type, default and help. `--help` prints them; a bad flag or value exits 2
 * with one clear line.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** A flag declaration. */
export interface FlagSpec {
  type: 'string' | 'int' | 'bool' | 'duration';
  default: string | number | boolean;
  help: string;
  /** Optional validation of the parsed value; return an error message or undefined. */
  check?: (v: string | number | boolean) => string | undefined;
}

/** Parsed values keyed by flag name. */
export type FlagValues = Record<string, string | number | boolean>;

/** Error for bad command lines. */
export class FlagError extends Error {}

/** Parses "1m30s", "10s", "500ms", "2h" into milliseconds. */
function parseDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(s))) {
    const n = Number(m[1]);
    total += n * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 3_600_000);
    consumed = re.lastIndex;
  }
  if (!s || consumed !== s.length) throw new FlagError(`invalid duration "${s}" (use e.g. 500ms, 15s, 1m)`);
  return total;
}

function convert(name: string, spec: FlagSpec, raw: string): string | number | boolean {
  switch (spec.type) {
    case 'string':
      return raw;
    case 'bool':
      if (raw === 'true' || raw === '') return true;
      if (raw === 'false') return false;
      throw new FlagError(`invalid boolean value "${raw}" for flag --${name}`);
    case 'int':
      if (!/^-?\d+$/.test(raw)) throw new FlagError(`invalid integer value "${raw}" for flag --${name}`);
      return Number(raw);
    case 'duration':
      try {
        return parseDuration(raw);
      } catch {
        throw new FlagError(`invalid duration "${raw}" for flag --${name} (use e.g. 500ms, 15s, 1m)`);
      }
  }
}

/**
 * A duration in milliseconds as Go's time.Duration prints it (what Kubernetes' --help shows and
 * what the flag accepts back): 0s, 500ms, 1.5s, 1m0s, 1h30m0s.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = `${Number((rest / 1000).toFixed(3))}s`;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${sec}`;
}

/** A flag's default as its value is written on the command line. */
function defaultText(s: FlagSpec): string {
  return s.type === 'duration' && typeof s.default === 'number' ? formatDuration(s.default) : JSON.stringify(s.default);
}

/** Usage text listing every flag. */
export function usage(command: string, specs: Record<string, FlagSpec>): string {
  const lines = Object.entries(specs).map(
    ([n, s]) => `  --${n} ${s.type === 'bool' ? '' : s.type}\n        ${s.help} (default ${defaultText(s)})`,
  );
  return `Usage: ${command} [flags]\n\nFlags:\n${lines.join('\n')}\n`;
}

/** Parses argv against the specs; throws FlagError; returns undefined when --help was asked. */
export function parseFlags(argv: string[], specs: Record<string, FlagSpec>): FlagValues | undefined {
  const values: FlagValues = {};
  for (const [n, s] of Object.entries(specs)) values[n] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return undefined;
    const m = /^--?([A-Za-z0-9][-A-Za-z0-9]*)(?:=(.*))?$/.exec(arg);
    if (!m) throw new FlagError(`unexpected argument "${arg}"`);
    const name = m[1] ?? '';
    const spec = specs[name];
    if (!spec) throw new FlagError(`unknown flag: --${name}`);
    let raw = m[2];
    if (raw === undefined) {
      if (spec.type === 'bool') raw = 'true';
      else {
        raw = argv[++i];
        if (raw === undefined) throw new FlagError(`flag needs an argument: --${name}`);
      }
    }
    const v = convert(name, spec, raw);
    const problem = spec.check?.(v);
    if (problem) throw new FlagError(`invalid value "${raw}" for flag --${name}: ${problem}`);
    values[name] = v;
  }
  return values;
}

/**
 * The standard main wrapper: parses flags (printing usage on --help, one line and exit 2 on
 * error), runs until SIGTERM/SIGINT, exits 0 on a clean stop and 1 on a crash. An exception
 * or rejection nobody handled is a bug, not a fault to ride out: it is written as one line
 * (message and the frame it came from) and the process exits 1 at once rather than run on in
 * an unknown state; a supervisor restarts it and the level-based components resume.
 */
export function runMain(
  command: string,
  specs: Record<string, FlagSpec>,
  run: (flags: FlagValues, signal: AbortSignal) => Promise<void>,
): void {
  let flags: FlagValues | undefined;
  try {
    flags = parseFlags(process.argv.slice(2), specs);
  } catch (err) {
    process.stderr.write(`${command}: ${(err as Error).message}\n`);
    process.exit(2);
  }
  if (!flags) {
    process.stdout.write(usage(command, specs));
    process.exit(0);
  }
  const fatal = (err: unknown): void => {
    process.stderr.write(`${command}: fatal: ${describeFatal(err)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  const controller = new AbortController();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => controller.abort());
  run(flags, controller.signal).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${command}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(err instanceof FlagError ? 2 : 1);
    },
  );
}

/** One line for an unexpected error: its message and the first frame of its stack. */
export function describeFatal(err: unknown): string {
  if (!(err instanceof Error)) return `non-error thrown: ${String(err)}`;
  const frame = err.stack
    ?.split('\n')
    .find((l) => l.trimStart().startsWith('at '))
    ?.trim();
  return `${err.name}: ${err.message.replace(/\s+/g, ' ')}${frame ? ` (${frame})` : ''}`;
}

/** Flag check: a TCP port. */
export const isPort = (v: string | number | boolean): string | undefined =>
  typeof v === 'number' && v >= 0 && v <= 65535 ? undefined : 'must be a port number between 0 and 65535';

/** True for addresses only this host can reach (plain-HTTP test modes are limited to them). */
export function isLoopbackAddress(address: string): boolean {
  if (address === 'localhost') return true;
  if (isIP(address) === 4) return address.startsWith('127.');
  return address === '::1';
}

/** Reads the PEM file a flag names; an unreadable file is a FlagError naming the flag. */
export function pemFlagFile(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new FlagError(`--${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
