/**
 * Kubernetes' two timestamp encodings: metav1.Time (RFC 3339, whole seconds) and
 * metav1.MicroTime (microseconds; leases and events).
 */

let lastSecond = NaN;
let lastText = '';

/** metav1.Time: `2026-11-21T07:00:00Z`. Memoized per second (every write stamps one). */
export function rfc3339(d: Date = new Date()): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastText = `${d.toISOString().slice(0, 19)}Z`;
  }
  return lastText;
}

/** metav1.MicroTime: `2026-11-21T07:00:00.123000Z` (JavaScript clocks have milliseconds). */
export function microTime(d: Date = new Date()): string {
  return d.toISOString().replace('Z', '000Z');
}
