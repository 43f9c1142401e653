/**
 * Errors of the container runtime. Each carries a `reason` the pod worker can show as a
 * container's waiting reason (the Kubernetes names where Kubernetes has one); callers branch on
 * the class or the reason, never on the message.
 */

/** Reasons carried by runtime errors. */
export const RuntimeErrorReason = {
  /** The image is not present locally and the kubelet never pulls (no registry here). */
  ErrImageNeverPull: 'ErrImageNeverPull',
  /** The runtime (dockerd) cannot be reached. */
  RuntimeUnavailable: 'ContainerRuntimeUnavailable',
  CreateContainerError: 'CreateContainerError',
  RunContainerError: 'RunContainerError',
  /** A container with the requested name already exists. */
  NameConflict: 'CreateContainerError',
  ContainerNotFound: 'ContainerNotFound',
  /** Any other runtime failure. */
  RuntimeError: 'RuntimeError',
} as const;
export type RuntimeErrorReason = (typeof RuntimeErrorReason)[keyof typeof RuntimeErrorReason];

/** Base class of every runtime error. */
export class ContainerRuntimeError extends Error {
  constructor(
    readonly reason: RuntimeErrorReason,
    message: string,
    /** The runtime's own error (e.g. dockerode's), for logs. */
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The image is not present locally; the kubelet does not pull images. */
export class ImageNotPresentError extends ContainerRuntimeError {
  constructor(readonly image: string) {
    super(
      RuntimeErrorReason.ErrImageNeverPull,
      `image "${image}" is not present on this node and the kubelet does not pull images; load it into the runtime first (docker load / docker import)`,
    );
  }
}

/** The runtime cannot be reached (daemon down, socket missing, connection refused). */
export class RuntimeUnavailableError extends ContainerRuntimeError {
  constructor(endpoint: string, cause?: unknown) {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    super(RuntimeErrorReason.RuntimeUnavailable, `container runtime at ${endpoint} is unreachable${detail}`, cause);
  }
}

/** A container with the requested name already exists. */
export class ContainerNameConflictError extends ContainerRuntimeError {
  constructor(
    readonly containerName: string,
    cause?: unknown,
  ) {
    super(RuntimeErrorReason.NameConflict, `a container named "${containerName}" already exists`, cause);
  }
}

/** No container has this id. */
export class ContainerNotFoundError extends ContainerRuntimeError {
  constructor(
    readonly containerId: string,
    cause?: unknown,
  ) {
    super(RuntimeErrorReason.ContainerNotFound, `no such container: ${containerId}`, cause);
  }
}

/** True when `err` says the runtime is unreachable. */
export function isRuntimeUnavailable(err: unknown): err is RuntimeUnavailableError {
  return err instanceof RuntimeUnavailableError;
}

/** True when `err` says the image is missing locally. */
export function isImageNotPresent(err: unknown): err is ImageNotPresentError {
  return err instanceof ImageNotPresentError;
}

/** True when `err` says the container does not exist. */
export function isContainerNotFound(err: unknown): err is ContainerNotFoundError {
  return err instanceof ContainerNotFoundError;
}
