/** What an apiserver is configured with (cmd/kube-apiserver/main.ts builds it from flags). */
import type { Logger } from 'pino';
import type { Storage } from '../storage/interfaces';
import type { UserInfo } from './authentication/user';
import type { AuthorizationMode } from './authorization/modes';
import type { KubeletClientConfig } from './subresources/log';

/** The secure port: TLS serving and how its requests are authenticated. */
export interface SecureServingConfig {
  /** 0 picks a free port. */
  port: number;
  /** PEM serving certificate (chain) and key (--tls-cert-file, --tls-private-key-file). */
  cert: Buffer;
  key: Buffer;
  /** PEM CA bundle that signs client certificates (--client-ca-file); none: no x509 authentication. */
  clientCA?: Buffer;
  /** Static bearer tokens (--token-auth-file). */
  tokens?: ReadonlyMap<string, UserInfo>;
  /** --anonymous-auth (default true): requests without credentials are system:anonymous. */
  anonymous?: boolean;
}

/** Configuration of an apiserver. */
export interface ApiServerConfig {
  etcdServers: string[];
  etcdPrefix: string;
  bindAddress: string;
  /**
   * The plain-HTTP test port (undefined: none; 0 picks a free port). Its requests skip
   * authentication and authorization, as kube-apiserver's old insecure port; loopback only.
   */
  port?: number;
  /** The secure port (undefined: none). */
  secure?: SecureServingConfig;
  /** --authorization-mode, in order (default AlwaysAllow). */
  authorizationModes?: readonly AuthorizationMode[];
  /** How pods/log reaches kubelets (--kubelet-client-certificate, --kubelet-client-key, --kubelet-certificate-authority); none: plain HTTP. */
  kubeletClient?: KubeletClientConfig;
  /** --audit-log-path: one JSON audit event per request. */
  auditLogPath?: string;
  logger: Logger;
  /** Interval of BOOKMARK events on watches that allow them (default 60 s). */
  bookmarkIntervalMs?: number;
  /** Events each watch cache keeps (default 10,000). */
  watchCacheCapacity?: number;
  /** Admission plugins to turn off (kube-apiserver's --disable-admission-plugins). */
  disableAdmissionPlugins?: readonly string[];
  /** Deadline of each etcd request; past it the API answers 503 (default 10 s). */
  etcdRequestTimeoutMs?: number;
  /** Directories a hostPath StorageClass parameters.path may name: --hostpath-base-dir and --hostpath-allowed-roots (default [defaultHostPathBaseDir]). */
  hostPathRoots?: readonly string[];
  /** Injected storage (tests); default an EtcdStore on etcdServers. */
  storage?: Storage;
  /** Deadline for receiving a request body; past it 408 and the connection is closed (default 60 s). */
  bodyReadTimeoutMs?: number;
  /** How long a read at a future resourceVersion waits before its 504 (default 3 s). */
  freshnessWaitMs?: number;
}
