/** Filesystem path checks for volume sources and mounts (k8s validatePathNoBacksteps and friends). */
import { type FieldError, invalid, required } from './field';

/** `Invalid value: "<p>": must not contain '..'` when any segment of `p` is `..`. */
export function validatePathNoBacksteps(p: string, field: string): FieldError[] {
  return p.split('/').includes('..') ? [invalid(field, p, "must not contain '..'")] : [];
}

/** `Invalid value: must not contain a NUL byte`: no filesystem path can hold one. */
export function validateNoNul(p: string, field: string): FieldError[] {
  return p.includes('\0') ? [invalid(field, p, 'must not contain a NUL byte')] : [];
}

/** A required absolute path with no `..` segment (hostPath and NFS paths, mount paths). */
export function validateAbsolutePath(p: unknown, field: string): FieldError[] {
  if (p === undefined || p === null || p === '') return [required(field)];
  if (typeof p !== 'string') return [invalid(field, p, 'must be a string')];
  const errs: FieldError[] = [];
  if (!p.startsWith('/')) errs.push(invalid(field, p, 'must be an absolute path'));
  errs.push(...validateNoNul(p, field));
  errs.push(...validatePathNoBacksteps(p, field));
  return errs;
}

/** An optional relative path that stays below its base (a volumeMount's subPath). */
export function validateLocalDescendingPath(p: unknown, field: string): FieldError[] {
  if (typeof p !== 'string') return [invalid(field, p, 'must be a string')];
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalid(field, p, 'must be a relative path'));
  errs.push(...validateNoNul(p, field));
  errs.push(...validatePathNoBacksteps(p, field));
  return errs;
}
