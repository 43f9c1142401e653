/** kube-apiserver: parse flags → validate → run(config, signal). */
import { StorageObjectInUseProtection } from '../../pkg/apiserver/admission/storage_object_in_use_protection';
import { NodeRestriction } from '../../pkg/apiserver/admission/node_restriction';
import { run } from '../../pkg/apiserver/server';
import { hostPathRootFlags } from '../../pkg/util/fsroots/flags';
import { parseRoots } from '../../pkg/util/fsroots/roots';
import { parseEtcdServers } from '../../pkg/storage/etcd/members';
import { FlagError, isLoopbackAddress, isPort, pemFlagFile, runMain } from '../../pkg/flags/flags';
import { loadTokenFile } from '../../pkg/apiserver/authentication/token_file';
import { AuthorizationMode } from '../../pkg/apiserver/authorization/modes';
import { checkLoggingFormat, LoggingFormat, newLogger } from '../../pkg/log/logger';

/** The --etcd-servers check: every entry a member's client URL, none empty, none twice. */
function endpoints(v: string | number | boolean): string | undefined {
  for (const e of String(v).split(','))
    if (e.trim() && !/^https?:\/\//.test(e.trim())) return `"${e}" is not a URL like http://127.0.0.1:2379`;
  try {
    parseEtcdServers(String(v).split(','));
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^--etcd-servers:? ?/, '');
  }
}

const modes: readonly string[] = Object.values(AuthorizationMode);

function authorizationModes(v: string | number | boolean): string | undefined {
  const list = String(v).split(',');
  const bad = list.filter((m) => !modes.includes(m));
  if (bad.length)
    return `unknown authorization mode(s) ${bad.map((m) => JSON.stringify(m)).join(', ')} (known: ${modes.join(', ')})`;
  if (new Set(list).size !== list.length) return 'a mode may be named only once';
  return undefined;
}

runMain(
  'kube-apiserver',
  {
    'etcd-servers': {
      type: 'string',
      default: 'http://127.0.0.1:2379',
      help: 'Comma-separated etcd client URLs.',
      check: endpoints,
    },
    'etcd-prefix': {
      type: 'string',
      default: '/registry',
      help: 'Prefix of every key in etcd.',
      check: (v) => (String(v).startsWith('/') ? undefined : 'must start with /'),
    },
    'bind-address': { type: 'string', default: '127.0.0.1', help: 'Address to listen on.' },
    'secure-port': {
      type: 'int',
      default: 6443,
      help: 'Port to serve HTTPS on, with authentication and authorization (0 = none).',
      check: isPort,
    },
    'tls-cert-file': { type: 'string', default: '', help: 'PEM serving certificate (chain) of the secure port.' },
    'tls-private-key-file': { type: 'string', default: '', help: 'PEM private key of --tls-cert-file.' },
    'client-ca-file': {
      type: 'string',
      default: '',
      help: 'PEM CA bundle: client certificates it signs authenticate as CN (user) and O (groups).',
    },
    'token-auth-file': {
      type: 'string',
      default: '',
      help: 'Static bearer tokens, CSV: token,user,uid,"group1,group2".',
    },
    'anonymous-auth': {
      type: 'bool',
      default: true,
      help: 'Requests without credentials are system:anonymous (RBAC lets them read only /healthz, /livez, /readyz, /version).',
    },
    'authorization-mode': {
      type: 'string',
      default: 'Node,RBAC',
      help: `Ordered authorizers on the secure port (${modes.join(', ')}).`,
      check: authorizationModes,
    },
    'kubelet-client-certificate': {
      type: 'string',
      default: '',
      help: 'PEM client certificate the apiserver presents to kubelets (pods/log); with it, or the CA, kubelets are reached over HTTPS.',
    },
    'kubelet-client-key': { type: 'string', default: '', help: 'PEM private key of --kubelet-client-certificate.' },
    'kubelet-certificate-authority': {
      type: 'string',
      default: '',
      help: "PEM CA bundle that signs the kubelets' serving certificates (without it they are not verified).",
    },
    'audit-log-path': { type: 'string', default: '', help: 'Append one JSON audit event per request to this file.' },
    port: {
      type: 'int',
      default: 0,
      help: 'TEST MODE: plain-HTTP port with NO authentication or authorization (0 = none); loopback --bind-address only.',
      check: isPort,
    },
    'watch-bookmark-interval': {
      type: 'duration',
      default: 60_000,
      help: 'Interval of BOOKMARK events on watches that allow them.',
    },
    'etcd-request-timeout': {
      type: 'duration',
      default: 10_000,
      help: 'Deadline of each etcd request; past it requests fail with 503.',
    },
    'disable-admission-plugins': {
      type: 'string',
      default: '',
      help: `Admission plugins to turn off (known: ${StorageObjectInUseProtection}, ${NodeRestriction}).`,
      check: (v) => {
        const unknown = String(v)
          .split(',')
          .filter((p) => p && p !== StorageObjectInUseProtection && p !== NodeRestriction);
        return unknown.length ? `unknown admission plugin(s): ${unknown.join(', ')}` : undefined;
      },
    },
    ...hostPathRootFlags('the controller-manager'),
    v: { type: 'int', default: 0, help: 'Log verbosity.' },
    'logging-format': {
      type: 'string',
      default: LoggingFormat.JSON,
      help: 'Log format: json (one pino JSON object per line) or text (klog-like lines).',
      check: checkLoggingFormat,
    },
  },
  async (f, signal) => {
    if (typeof f['etcd-servers'] !== 'string') throw new FlagError('--etcd-servers is required');
    const etcdServers = parseEtcdServers(String(f['etcd-servers']).split(','));
    const bindAddress = String(f['bind-address']);
    const port = Number(f.port);
    const securePort = Number(f['secure-port']);
    if (port !== 0 && !isLoopbackAddress(bindAddress))
      throw new FlagError(
        `--port serves plain HTTP without authentication: it is a test mode for loopback addresses only, not --bind-address=${bindAddress}`,
      );
    if (port === 0 && securePort === 0)
      throw new FlagError('nothing to serve: set --secure-port (with --tls-cert-file) or the --port test mode');
    const certFile = String(f['tls-cert-file']);
    const keyFile = String(f['tls-private-key-file']);
    if (securePort !== 0 && (!certFile || !keyFile))
      throw new FlagError(
        `--secure-port=${securePort} needs --tls-cert-file and --tls-private-key-file (or --secure-port=0 with the --port test mode)`,
      );
    const secure =
      securePort === 0
        ? undefined
        : {
            port: securePort,
            cert: pemFlagFile('tls-cert-file', certFile),
            key: pemFlagFile('tls-private-key-file', keyFile),
            anonymous: Boolean(f['anonymous-auth']),
            ...(f['client-ca-file'] ? { clientCA: pemFlagFile('client-ca-file', String(f['client-ca-file'])) } : {}),
            ...(f['token-auth-file'] ? { tokens: tokenFile(String(f['token-auth-file'])) } : {}),
          };
    const kubeletCert = String(f['kubelet-client-certificate']);
    const kubeletKey = String(f['kubelet-client-key']);
    if (Boolean(kubeletCert) !== Boolean(kubeletKey))
      throw new FlagError('--kubelet-client-certificate and --kubelet-client-key go together');
    const kubeletCA = String(f['kubelet-certificate-authority']);
    const kubeletClient = {
      ...(kubeletCert
        ? {
            cert: pemFlagFile('kubelet-client-certificate', kubeletCert),
            key: pemFlagFile('kubelet-client-key', kubeletKey),
          }
        : {}),
      ...(kubeletCA ? { ca: pemFlagFile('kubelet-certificate-authority', kubeletCA) } : {}),
    };
    await run(
      {
        etcdServers,
        etcdPrefix: String(f['etcd-prefix']),
        bindAddress,
        ...(port !== 0 ? { port } : {}),
        ...(secure ? { secure } : {}),
        authorizationModes: String(f['authorization-mode']).split(',') as AuthorizationMode[],
        ...(f['audit-log-path'] ? { auditLogPath: String(f['audit-log-path']) } : {}),
        ...(kubeletCert || kubeletCA ? { kubeletClient } : {}),
        bookmarkIntervalMs: Number(f['watch-bookmark-interval']),
        etcdRequestTimeoutMs: Number(f['etcd-request-timeout']),
        hostPathRoots: parseRoots([String(f['hostpath-base-dir']), String(f['hostpath-allowed-roots'])].join(',')),
        disableAdmissionPlugins: String(f['disable-admission-plugins']).split(',').filter(Boolean),
        logger: newLogger(
          'kube-apiserver',
          Number(f.v),
          f['logging-format'] === LoggingFormat.Text ? LoggingFormat.Text : LoggingFormat.JSON,
        ),
      },
      signal,
    );
  },
);

function tokenFile(file: string) {
  try {
    return loadTokenFile(file);
  } catch (err) {
    throw new FlagError((err as Error).message);
  }
}
