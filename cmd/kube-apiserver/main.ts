/** kube-apiserver: parse flags → validate → run(config, signal). */
import { StorageObjectInUseProtection } from '../../pkg/apiserver/admission/storage_object_in_use_protection';
import { run } from '../../pkg/apiserver/server';
import { hostPathRootFlags } from '../../pkg/util/fsroots/flags';
import { parseRoots } from '../../pkg/util/fsroots/roots';
import { FlagError, isPort, runMain } from '../../pkg/flags/flags';
import { newLogger } from '../../pkg/log/logger';

function endpoints(v: string | number | boolean): string | undefined {
  const list = String(v).split(',').filter(Boolean);
  if (list.length === 0) return 'at least one etcd endpoint is required';
  for (const e of list) if (!/^https?:\/\/[^/\s]+$/.test(e)) return `"${e}" is not a URL like http://127.0.0.1:2379`;
  return undefined;
}

runMain(
  'kube-apiserver',
  {
    'etcd-servers': { type: 'string', default: 'http://127.0.0.1:2379', help: 'Comma-separated etcd client URLs.', check: endpoints },
    'etcd-prefix': { type: 'string', default: '/registry', help: 'Prefix of every key in etcd.', check: (v) => (String(v).startsWith('/') ? undefined : 'must start with /') },
    'bind-address': { type: 'string', default: '127.0.0.1', help: 'Address to listen on.' },
    port: { type: 'int', default: 8080, help: 'Port to serve HTTP on.', check: isPort },
    'watch-bookmark-interval': { type: 'duration', default: 60_000, help: 'Interval of BOOKMARK events on watches that allow them.' },
    'etcd-request-timeout': { type: 'duration', default: 10_000, help: 'Deadline of each etcd request; past it requests fail with 503.' },
    'disable-admission-plugins': {
      type: 'string',
      default: '',
      help: `Admission plugins to turn off (known: ${StorageObjectInUseProtection}).`,
      check: (v) => {
        const unknown = String(v).split(',').filter((p) => p && p !== StorageObjectInUseProtection);
        return unknown.length ? `unknown admission plugin(s): ${unknown.join(', ')}` : undefined;
      },
    },
    ...hostPathRootFlags('the controller-manager'),
    v: { type: 'int', default: 0, help: 'Log verbosity.' },
  },
  async (f, signal) => {
    if (typeof f['etcd-servers'] !== 'string') throw new FlagError('--etcd-servers is required');
    await run(
      {
        etcdServers: String(f['etcd-servers']).split(','),
        etcdPrefix: String(f['etcd-prefix']),
        bindAddress: String(f['bind-address']),
        port: Number(f.port),
        bookmarkIntervalMs: Number(f['watch-bookmark-interval']),
        etcdRequestTimeoutMs: Number(f['etcd-request-timeout']),
        hostPathRoots: parseRoots([String(f['hostpath-base-dir']), String(f['hostpath-allowed-roots'])].join(',')),
        disableAdmissionPlugins: String(f['disable-admission-plugins']).split(',').filter(Boolean),
        logger: newLogger('kube-apiserver', Number(f.v)),
      },
      signal,
    );
  },
);
