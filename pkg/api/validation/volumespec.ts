/**
 * Rules PersistentVolume and PersistentVolumeClaim specs share: access modes, volume mode and
 * storage class references (k8s ValidatePersistentVolumeSpec / ValidatePersistentVolumeClaimSpec).
 */
import { AccessMode } from '../core/v1';
import { type FieldError, forbidden, invalid, notSupported, required } from './field';
import { isMixedCaseName } from './names';

/** Every access mode, sorted as Kubernetes lists them in messages. */
export const supportedAccessModes: readonly string[] = Object.values(AccessMode).sort();

/** Both volume modes, sorted. */
export const supportedVolumeModes: readonly string[] = ['Block', 'Filesystem'];

/**
 * `field` lists known access modes (`Unsupported value` at `field` otherwise, as Kubernetes
 * reports it); ReadWriteOncePod excludes the others; with `requireOne`, the list is non-empty.
 */
export function validateAccessModes(
  modes: readonly unknown[] | undefined,
  field: string,
  requireOne: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  if (modes !== undefined && modes !== null && !Array.isArray(modes))
    return [invalid(field, modes, 'must be a list of access modes')];
  const list = modes ?? [];
  if (requireOne && list.length === 0) errs.push(required(field));
  let rwop = false;
  let other = false;
  for (const mode of list) {
    if (typeof mode !== 'string' || !supportedAccessModes.includes(mode)) {
      errs.push(notSupported(field, mode, supportedAccessModes));
    } else if (mode === AccessMode.ReadWriteOncePod) rwop = true;
    else other = true;
  }
  if (rwop && other) errs.push(forbidden(field, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** An optional volumeMode is Block or Filesystem. */
export function validateVolumeMode(mode: unknown, field: string): FieldError[] {
  if (mode === undefined || mode === null) return [];
  return typeof mode === 'string' && supportedVolumeModes.includes(mode)
    ? []
    : [notSupported(field, mode, supportedVolumeModes)];
}

/**
 * An optional storageClassName reference: empty means "no class"; otherwise a mixed-case name
 * (the built-in classes are `hostPath` and `nfs`; see isMixedCaseName).
 */
export function validateStorageClassName(name: unknown, field: string): FieldError[] {
  if (name === undefined || name === null || name === '') return [];
  if (typeof name !== 'string') return [invalid(field, name, 'must be a string')];
  return isMixedCaseName(name).map((msg) => invalid(field, name, msg));
}
