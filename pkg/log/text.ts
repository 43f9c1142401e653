/**
 * The `text` logging format: one pino JSON line → one klog-like line,
 *   I1206 21:30:00.123456 kubelet] "pod started" logger="podworker" pod="default/p"
 * (severity letter I/W/E/F, UTC month-day and time, the component, the quoted message, then
 * every other field as key=value, values JSON-quoted when they are not plain numbers or
 * booleans). A line that is not JSON is passed through.
 */

const severity = (level: number): string => (level >= 60 ? 'F' : level >= 50 ? 'E' : level >= 40 ? 'W' : 'I');
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const omitted = new Set(['level', 'time', 'component', 'msg', 'pid', 'hostname']);

function value(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return JSON.stringify(JSON.stringify(v));
}

/** One text line (with its newline) for one pino JSON line. */
export function formatTextLine(line: string): string {
  let rec: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return line.endsWith('\n') ? line : `${line}\n`;
    rec = parsed as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const t = new Date(typeof rec.time === 'number' ? rec.time : Date.now());
  const stamp = `${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}.${pad(t.getUTCMilliseconds(), 3)}000`;
  const parts = [
    `${severity(Number(rec.level ?? 30))}${stamp} ${String(rec.component ?? '')}]`,
    value(String(rec.msg ?? '')),
  ];
  for (const [k, v] of Object.entries(rec)) if (!omitted.has(k)) parts.push(`${k}=${value(v)}`);
  return `${parts.join(' ')}\n`;
}
