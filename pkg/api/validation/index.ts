/**
 * Validation of API objects as pure functions returning field errors (empty = valid), with
 * Kubernetes' rules and messages. The registry runs validateObjectMeta (generic metadata rules,
 * the name only as a safe path segment) and then the kind's validator, which applies the kind's
 * name rule (DNS subdomain, DNS label, or mixed case for storage classes and events) and checks
 * the rest of the object. toStatusError turns a non-empty list into a 422 Invalid Status.
 */
export * from './field';
export * from './equality';
export * from './names';
export * from './paths';
export * from './quantities';
export * from './selector';
export * from './meta';
export * from './volumespec';
export * from './persistentvolume';
export * from './persistentvolumeclaim';
export * from './container';
export * from './pod';
export * from './storageclass';
export * from './namespace';
export * from './node';
export * from './event';
export * from './lease';
export * from './rbac';
export * from './statefulset';
export * from './controllerrevision';
