/**
 * Defaulting of API objects, applied by the registry before validation on create (and on
 * update, for spec fields). Each defaulter is pure: it returns a new object with unset fields
 * filled in and never mutates its input or overwrites a value the client set.
 */
export * from './persistentvolume';
export * from './persistentvolumeclaim';
export * from './pod';
export * from './storageclass';
export * from './namespace';
export * from './statefulset';
