/** kubelet: parse flags → validate → run(config, signal). */
import os from 'node:os';
import path from 'node:path';
import { configFromFlags } from '../../pkg/client/config';
import { FlagError, isPort, runMain } from '../../pkg/flags/flags';
import { run } from '../../pkg/kubelet/kubelet';
import { LinuxMounter } from '../../pkg/kubelet/mount/linux_mounter';
import { DockerRuntime } from '../../pkg/kubelet/runtime/docker/docker_runtime';
import { DefaultDockerEndpoint, parseDockerEndpoint } from '../../pkg/kubelet/runtime/docker/endpoint';
import { newVolumePluginManager, nfsEnvOptions } from '../../pkg/kubelet/volume';
import { newLogger } from '../../pkg/log/logger';

const env = process.env;

runMain(
  'kubelet',
  {
    kubeconfig: { type: 'string', default: '', help: 'Path to a kubeconfig naming the apiserver.' },
    master: { type: 'string', default: '', help: 'The apiserver URL.' },
    'node-name': { type: 'string', default: os.hostname().toLowerCase(), help: 'Name of this node.' },
    'root-dir': { type: 'string', default: '/var/lib/kubestore/kubelet', help: 'Directory for kubelet state (NFS mount points).' },
    'docker-endpoint': { type: 'string', default: DefaultDockerEndpoint, help: 'Docker daemon endpoint (unix:///path or tcp://host:port).' },
    'network-mode': { type: 'string', default: 'host', help: 'Docker network mode of pod containers (host, none, bridge).' },
    'node-ip': { type: 'string', default: '127.0.0.1', help: 'The IP this node reports.' },
    'nfs-export-root': { type: 'string', default: env.NFS_EXPORT_ROOT ?? '/var/lib/kubestore/nfs-export', help: 'Local directory backing the NFS export when IS_NFS_SERVER=true (env NFS_EXPORT_ROOT).' },
    'nfs-export-path': { type: 'string', default: env.NFS_EXPORT_PATH ?? '/exports', help: 'Path the NFS server exports --nfs-export-root as (env NFS_EXPORT_PATH).' },
    'bind-address': { type: 'string', default: '127.0.0.1', help: 'Address of the kubelet server (logs, /healthz, /metrics).' },
    port: { type: 'int', default: 10250, help: 'Port of the kubelet server (0 = any).', check: isPort },
    'concurrent-pod-workers': { type: 'int', default: 8, help: 'Pods synced in parallel.', check: (v) => (Number(v) >= 1 ? undefined : 'must be at least 1') },
    'node-status-update-frequency': { type: 'duration', default: 10_000, help: 'Heartbeat period (lease renewal, runtime check).' },
    v: { type: 'int', default: 0, help: 'Log verbosity.' },
  },
  async (f, signal) => {
    let client;
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
    await run(
      {
        client,
        nodeName: String(f['node-name']),
        rootDir,
        hostIP: String(f['node-ip']),
        runtime: new DockerRuntime({ endpoint: String(f['docker-endpoint']), defaultNetworkMode: networkMode, nodeName: String(f['node-name']) }),
        plugins: newVolumePluginManager({
          mounter: new LinuxMounter(),
          nfs: { ...nfsEnvOptions(env), exportRoot: String(f['nfs-export-root']), exportPath: String(f['nfs-export-path']) },
        }),
        networkMode,
        bindAddress: String(f['bind-address']),
        port: Number(f.port),
        workers: Number(f['concurrent-pod-workers']),
        heartbeatMs: Number(f['node-status-update-frequency']),
        logger: newLogger('kubelet', Number(f.v)),
      },
      signal,
    );
  },
);
