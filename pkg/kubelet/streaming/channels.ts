/**
 * The channel protocols of Kubernetes' WebSocket streams (exec, attach), as the kubelet and
 * kube-apiserver speak them:
 *
 * - `v5.channel.k8s.io`, `v4.channel.k8s.io`: binary messages whose first byte is the channel
 *   (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize) and the rest its data. The error channel
 *   carries one Status as JSON when the command ends (Success, or Failure with reason
 *   NonZeroExitCode and an ExitCode cause). v5 adds channel 255, "close": its one data byte
 *   names a channel the client closed (stdin: the process sees EOF).
 * - `base64.channel.k8s.io` (v1, for browsers): text messages, the channel as an ASCII digit
 *   and the data base64-encoded; the error channel carries only a plain-text message.
 *
 * Pure framing and Status shapes; the session wiring is in remotecommand.ts.
 */
import type { TerminalSize } from '../runtime/streaming';

/** The subprotocols served, in no particular order (the client's order of preference wins). */
export const StreamProtocol = {
  V5: 'v5.channel.k8s.io',
  V4: 'v4.channel.k8s.io',
  Base64: 'base64.channel.k8s.io',
} as const;
export type StreamProtocol = (typeof StreamProtocol)[keyof typeof StreamProtocol];

/** Channel numbers. */
export const Channel = {
  Stdin: 0,
  Stdout: 1,
  Stderr: 2,
  Error: 3,
  Resize: 4,
  /** v5 only: the client closed the channel named by the data byte. */
  Close: 255,
} as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

const served: readonly string[] = Object.values(StreamProtocol);

/** The first of the client's offered subprotocols this server speaks (undefined: none). */
export function negotiate(offered: Iterable<string>): StreamProtocol | undefined {
  for (const p of offered) if (served.includes(p)) return p as StreamProtocol;
  return undefined;
}

/** True when the protocol carries a Status (not plain text) on the error channel. */
export function statusErrors(p: StreamProtocol): boolean {
  return p !== StreamProtocol.Base64;
}

/** One message on the wire: binary for v4/v5, text for base64. */
export function encodeFrame(p: StreamProtocol, channel: number, data: Buffer): Buffer | string {
  if (p === StreamProtocol.Base64) return String(channel) + data.toString('base64');
  return Buffer.concat([Buffer.from([channel]), data]);
}

/** A message the client sent, split into channel and data (undefined: empty or malformed). */
export function decodeFrame(
  p: StreamProtocol,
  message: Buffer,
  isBinary: boolean,
): { channel: number; data: Buffer } | undefined {
  if (message.length === 0) return undefined;
  if (p === StreamProtocol.Base64) {
    if (isBinary) return undefined;
    const text = message.toString('latin1');
    const channel = text.charCodeAt(0) - 48;
    if (channel < 0 || channel > 9) return undefined;
    return { channel, data: Buffer.from(text.slice(1), 'base64') };
  }
  if (!isBinary) return undefined;
  return { channel: message[0] ?? 0, data: message.subarray(1) };
}

/** A resize message `{"Width":80,"Height":24}` (undefined when it is not one). */
export function parseResize(data: Buffer): TerminalSize | undefined {
  try {
    const v: unknown = JSON.parse(data.toString('utf8'));
    if (typeof v !== 'object' || v === null) return undefined;
    const { Width, Height } = v as { Width?: unknown; Height?: unknown };
    if (!Number.isInteger(Width) || !Number.isInteger(Height)) return undefined;
    const size = { width: Number(Width), height: Number(Height) };
    return size.width >= 0 && size.height >= 0 && size.width <= 65535 && size.height <= 65535 ? size : undefined;
  } catch {
    return undefined;
  }
}

/** Reasons on the error channel. */
export const StreamStatusReason = {
  NonZeroExitCode: 'NonZeroExitCode',
  InternalError: 'InternalError',
} as const;
export type StreamStatusReason = (typeof StreamStatusReason)[keyof typeof StreamStatusReason];

/** The Status written on the error channel (metav1.Status without TypeMeta, as the kubelet marshals it). */
export interface ChannelStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StreamStatusReason;
  details?: { causes: { reason: 'ExitCode'; message: string }[] };
}

/** The Status for a command that ended with `exitCode` (0: Success). */
export function exitStatus(command: readonly string[], exitCode: number): ChannelStatus {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command '${command.join(' ')}' exited with ${exitCode}`,
    reason: StreamStatusReason.NonZeroExitCode,
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** The Status for a session that failed without an exit code (the runtime's error). */
export function failureStatus(message: string): ChannelStatus {
  return { metadata: {}, status: 'Failure', message, reason: StreamStatusReason.InternalError };
}

/** What goes on the error channel for `status` in protocol `p` (empty: nothing to send). */
export function errorPayload(p: StreamProtocol, status: ChannelStatus): Buffer {
  if (statusErrors(p)) return Buffer.from(JSON.stringify(status));
  return Buffer.from(status.status === 'Success' ? '' : (status.message ?? ''));
}
