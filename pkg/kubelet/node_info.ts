/**
 * What the Node's status says about the machine, read once at start as Kubernetes' kubelet
 * reads it (cadvisor's machine info): osImage is the host's /etc/os-release PRETTY_NAME
 * ("Debian GNU/Linux 12 (bookworm)"), not Node's os.version() (the kernel's build string);
 * machineID /etc/machine-id, bootID /proc/sys/kernel/random/boot_id, systemUUID the DMI
 * product_uuid (each empty when unreadable). The Hostname address is the node's name, as a
 * kubelet with --hostname-override reports it: several nodes share this machine's hostname.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Reads a file's text or undefined (injected by unit tests). */
export type ReadText = (file: string) => string | undefined;

const readText: ReadText = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** PRETTY_NAME of an os-release file's text (quotes and escapes as os-release(5) allows), else undefined. */
export function prettyName(osRelease: string | undefined): string | undefined {
  for (const line of (osRelease ?? '').split('\n')) {
    const m = /^PRETTY_NAME=(.*)$/.exec(line.trim());
    if (!m) continue;
    const raw = (m[1] ?? '').trim();
    const unquoted = /^(["'])(.*)\1$/.exec(raw)?.[2] ?? raw;
    const value = unquoted.replace(/\\(["'$`\\])/g, '$1');
    return value || undefined;
  }
  return undefined;
}

/** The machine's part of NodeSystemInfo (the kubelet adds its own versions). */
export function machineInfo(read: ReadText = readText): Record<string, string> {
  return {
    operatingSystem: process.platform,
    architecture: process.arch === 'x64' ? 'amd64' : process.arch,
    kernelVersion: os.release(),
    osImage: prettyName(read('/etc/os-release') ?? read('/usr/lib/os-release')) ?? 'Linux',
    machineID: read('/etc/machine-id')?.trim() ?? '',
    bootID: read('/proc/sys/kernel/random/boot_id')?.trim() ?? '',
    systemUUID: read('/sys/class/dmi/id/product_uuid')?.trim().toLowerCase() ?? '',
  };
}
