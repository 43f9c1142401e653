/**
 * Parses the kubelet's `--docker-endpoint` (Docker's own `-H` syntax) into dockerode options.
 */
import type Dockerode from 'dockerode';

/** The default endpoint: Docker's system socket. */
export const DefaultDockerEndpoint = 'unix:///var/run/docker.sock';

/**
 * `unix:///path/to/sock` (or a bare absolute path) → `{socketPath}`;
 * `tcp://host:port` / `http://host:port` → plain HTTP; `https://host:port` → HTTPS (no client
 * certificates). Throws a one-line error for anything else.
 */
export function parseDockerEndpoint(endpoint: string): Dockerode.DockerOptions {
  if (endpoint.startsWith('/')) return { socketPath: endpoint };
  const m = /^([a-z]+):\/\/(.*)$/.exec(endpoint);
  if (!m) throw new Error(`invalid docker endpoint "${endpoint}": want unix:///path or tcp://host:port`);
  const scheme = m[1] ?? '';
  const rest = m[2] ?? '';
  if (scheme === 'unix') {
    if (!rest.startsWith('/'))
      throw new Error(`invalid docker endpoint "${endpoint}": the socket path must be absolute`);
    return { socketPath: rest };
  }
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    let url: URL;
    try {
      url = new URL(`http://${rest}`);
    } catch {
      throw new Error(`invalid docker endpoint "${endpoint}": want ${scheme}://host:port`);
    }
    if (!url.hostname || (url.pathname !== '/' && url.pathname !== '')) {
      throw new Error(`invalid docker endpoint "${endpoint}": want ${scheme}://host:port`);
    }
    const protocol = scheme === 'https' ? 'https' : 'http';
    const port = url.port ? Number(url.port) : protocol === 'https' ? 2376 : 2375;
    // URL keeps IPv6 literals bracketed; the HTTP client wants them bare.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return { host, port, protocol };
  }
  throw new Error(`invalid docker endpoint "${endpoint}": unsupported scheme "${scheme}" (want unix:// or tcp://)`);
}
