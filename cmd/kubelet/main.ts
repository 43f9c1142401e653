/** kubelet: parse flags → validate → run(config, signal). */
import os from 'node:os';
import path from 'node:path';
import { type ClientConfig, configFromFlags } from '../../pkg/client/config';
import { FlagError, isLoopbackAddress, isPort, pemFlagFile, runMain, type FlagValues } from '../../pkg/flags/flags';
import { KubeletAuthorizationMode } from '../../pkg/kubelet/auth/authorization';
import { run } from '../../pkg/kubelet/kubelet';
import { defaultStreamingIdleTimeoutMs } from '../../pkg/kubelet/streaming/idle';
import type { KubeletServingConfig } from '../../pkg/kubelet/auth/serving';
import { LinuxMounter } from '../../pkg/util/mount/linux_mounter';
import { DockerRuntime } from '../../pkg/kubelet/runtime/docker/docker_runtime';
import { DefaultDockerEndpoint, parseDockerEndpoint } from '../../pkg/kubelet/runtime/docker/endpoint';
import { driverFlags, driversFromFlags } from '../../pkg/volume/drivers';
import { NodeDrivers } from '../../pkg/volume/node_drivers';
import { checkLoggingFormat, LoggingFormat, newLogger } from '../../pkg/log/logger';

const env = process.env;
const authorizationModes: readonly string[] = Object.values(KubeletAuthorizationMode);

/** The secure server from the TLS and auth flags; undefined (plain HTTP, loopback only) without --tls-cert-file. */
function serving(f: FlagValues): KubeletServingConfig | undefined {
  const certFile = String(f['tls-cert-file']);
  const keyFile = String(f['tls-private-key-file']);
  if (Boolean(certFile) !== Boolean(keyFile))
    throw new FlagError('--tls-cert-file and --tls-private-key-file go together');
  if (!certFile) {
    const bind = String(f['bind-address']);
    if (!isLoopbackAddress(bind))
      throw new FlagError(
        `without --tls-cert-file the kubelet serves plain HTTP with no authentication: a test mode for loopback addresses only, not --bind-address=${bind}`,
      );
    if (f['client-ca-file'])
      throw new FlagError('--client-ca-file needs --tls-cert-file (client certificates are only read over TLS)');
    return undefined;
  }
  return {
    cert: pemFlagFile('tls-cert-file', certFile),
    key: pemFlagFile('tls-private-key-file', keyFile),
    ...(f['client-ca-file'] ? { clientCA: pemFlagFile('client-ca-file', String(f['client-ca-file'])) } : {}),
    anonymous: Boolean(f['anonymous-auth']),
    tokenWebhook: Boolean(f['authentication-token-webhook']),
    tokenWebhookCacheTtlMs: Number(f['authentication-token-webhook-cache-ttl']),
    authorizationMode: String(f['authorization-mode']) as KubeletAuthorizationMode,
    authorizedTtlMs: Number(f['authorization-webhook-cache-authorized-ttl']),
    unauthorizedTtlMs: Number(f['authorization-webhook-cache-unauthorized-ttl']),
  };
}

runMain(
  'kubelet',
  {
    kubeconfig: { type: 'string', default: '', help: 'Path to a kubeconfig naming the apiserver.' },
    master: { type: 'string', default: '', help: 'The apiserver URL.' },
    'node-name': { type: 'string', default: os.hostname().toLowerCase(), help: 'Name of this node.' },
    'root-dir': {
      type: 'string',
      default: '/var/lib/kubestore/kubelet',
      help: 'Directory for kubelet state (NFS mount points).',
    },
    'docker-endpoint': {
      type: 'string',
      default: DefaultDockerEndpoint,
      help: 'Docker daemon endpoint (unix:///path or tcp://host:port).',
    },
    'network-mode': {
      type: 'string',
      default: 'none',
      help: "Docker network mode of pod containers: none (only the pod's own loopback), bridge, or host (shares the host's loopback, where etcd listens: trusted pods only).",
    },
    'node-ip': { type: 'string', default: '127.0.0.1', help: 'The IP this node reports.' },
    ...driverFlags('kubelet', env),
    'bind-address': {
      type: 'string',
      default: '127.0.0.1',
      help: 'Address of the kubelet server (logs, /healthz, /metrics).',
    },
    port: { type: 'int', default: 10250, help: 'Port of the kubelet server (0 = any).', check: isPort },
    'tls-cert-file': {
      type: 'string',
      default: '',
      help: 'PEM serving certificate of the kubelet server; without it the server is plain HTTP with no authentication (test mode, loopback only).',
    },
    'tls-private-key-file': { type: 'string', default: '', help: 'PEM private key of --tls-cert-file.' },
    'client-ca-file': {
      type: 'string',
      default: '',
      help: 'PEM CA bundle: client certificates it signs authenticate as CN (user) and O (groups).',
    },
    'anonymous-auth': {
      type: 'bool',
      default: false,
      help: 'Requests without credentials are system:anonymous (then authorized like any user).',
    },
    'authentication-token-webhook': {
      type: 'bool',
      default: true,
      help: 'Check bearer tokens with a TokenReview to the apiserver.',
    },
    'authentication-token-webhook-cache-ttl': {
      type: 'duration',
      default: 120_000,
      help: 'How long TokenReview answers are cached.',
    },
    'authorization-mode': {
      type: 'string',
      default: KubeletAuthorizationMode.Webhook,
      help: `How requests are authorized (${authorizationModes.join(', ')}); Webhook asks the apiserver with a SubjectAccessReview on nodes/log, nodes/metrics, nodes/stats or nodes/proxy.`,
      check: (v) =>
        authorizationModes.includes(String(v)) ? undefined : `must be one of ${authorizationModes.join(', ')}`,
    },
    'authorization-webhook-cache-authorized-ttl': {
      type: 'duration',
      default: 300_000,
      help: 'How long an allowing SubjectAccessReview answer is cached.',
    },
    'authorization-webhook-cache-unauthorized-ttl': {
      type: 'duration',
      default: 30_000,
      help: 'How long a refusing SubjectAccessReview answer is cached.',
    },
    'concurrent-pod-workers': {
      type: 'int',
      default: 8,
      help: 'Pods synced in parallel.',
      check: (v) => (Number(v) >= 1 ? undefined : 'must be at least 1'),
    },
    'node-status-update-frequency': {
      type: 'duration',
      default: 10_000,
      help: 'Heartbeat period (lease renewal, runtime check).',
    },
    'volume-stats-agg-period': {
      type: 'duration',
      default: 60_000,
      help: "How often each mounted claim's volume is measured for /metrics and /stats/summary (0 disables).",
      check: (v) => (Number(v) >= 0 ? undefined : 'must not be negative'),
    },
    'streaming-connection-idle-timeout': {
      type: 'duration',
      default: defaultStreamingIdleTimeoutMs,
      help: 'Maximum time a streaming connection (exec, attach, port-forward) can be idle before it is closed; 0 never closes it.',
      check: (v) => (Number(v) >= 0 ? undefined : 'must not be negative'),
    },
    v: { type: 'int', default: 0, help: 'Log verbosity.' },
    'logging-format': {
      type: 'string',
      default: LoggingFormat.JSON,
      help: 'Log format: json (one pino JSON object per line) or text (klog-like lines).',
      check: checkLoggingFormat,
    },
  },
  async (f, signal) => {
    let client: ClientConfig;
    try {
      client = configFromFlags(String(f.kubeconfig), String(f.master));
    } catch (err) {
      throw new FlagError((err as Error).message);
    }
    const rootDir = String(f['root-dir']);
    if (!path.isAbsolute(rootDir)) throw new FlagError('--root-dir must be an absolute path');
    try {
      parseDockerEndpoint(String(f['docker-endpoint']));
    } catch (err) {
      throw new FlagError(`--docker-endpoint: ${(err as Error).message}`);
    }
    const networkMode = String(f['network-mode']);
    const tls = serving(f);
    await run(
      {
        client,
        nodeName: String(f['node-name']),
        rootDir,
        hostIP: String(f['node-ip']),
        runtime: new DockerRuntime({
          endpoint: String(f['docker-endpoint']),
          defaultNetworkMode: networkMode,
          nodeName: String(f['node-name']),
        }),
        drivers: new NodeDrivers(driversFromFlags('kubelet', f, env).registry, {
          mounter: new LinuxMounter(),
        }),
        networkMode,
        bindAddress: String(f['bind-address']),
        port: Number(f.port),
        workers: Number(f['concurrent-pod-workers']),
        heartbeatMs: Number(f['node-status-update-frequency']),
        volumeStatsPeriodMs: Number(f['volume-stats-agg-period']),
        streamingIdleTimeoutMs: Number(f['streaming-connection-idle-timeout']),
        logger: newLogger(
          'kubelet',
          Number(f.v),
          f['logging-format'] === LoggingFormat.Text ? LoggingFormat.Text : LoggingFormat.JSON,
        ),
        ...(tls ? { tls } : {}),
      },
      signal,
    );
  },
);
