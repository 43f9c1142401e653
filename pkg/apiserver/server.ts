/**
 * kube-apiserver: Koa + @koa/router over etcd. Starts listening at once; resource requests are
 * 503 until etcd answers and every watch cache is primed (retried with backoff). SIGTERM (the
 * abort signal) ends watches and closes cleanly.
 */
import Router from '@koa/router';
import { createServer } from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import { constants as cryptoConstants } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Koa, { type Context } from 'koa';
import type { Logger } from 'pino';
import { badRequest, isAlreadyExists, isNotFound, serviceUnavailable, notFound, StatusError } from '../api/errors';
import type { Namespace } from '../api/core/v1';
import { StatusReason, type KubeObject } from '../api/meta';
import { namespaces as namespacesInfo, type ResourceInfo } from '../api/resources';
import { EtcdStore } from '../storage/etcd/store';
import type { Storage } from '../storage/interfaces';
import { coreVersions, group, groupList, resourceList } from './discovery';
import { statusErrors } from './errors';
import { defaultEncoder, handleResource, storeKey, type Patcher, type ResourceHandlerDeps } from './handlers/resource';
import { boolParam } from './handlers/query';
import { ApiServerMetrics } from './metrics';
import { applyJsonPatch, JsonPatchError, JsonPatchFailure } from './patch/json';
import { applyMergePatch, type Json } from './patch/merge';
import { Store, type StoreAdmission } from './registry/store';
import { allStrategies } from './registry/strategies';
import type { Strategy } from './registry/strategy';
import { parseResourcePath, type RequestInfo } from './request_info';
import { WatchCache } from './watch/cache';
import { podBinding } from './subresources/binding';
import { scaleSubresource } from './subresources/scale';
import { kubeletTls, podLog } from './subresources/log';
import { nodeProxy } from './subresources/node_proxy';
import { podStream, StreamKind } from './subresources/stream';
import { routeUpgrades } from '../util/httpupgrade/upgrade';
import { bodyDeadline, decodeDocument, defaultBodyReadTimeoutMs } from './body';
import { registerOpenApiRoutes } from './openapi/routes';
import { registerUiRoutes } from './ui/routes';
import { admitWrite } from './patch/admission';
import type { StorageClass } from '../api/storage/v1';
import { protectOnCreate, StorageObjectInUseProtection } from './admission/storage_object_in_use_protection';
import { NamespaceLifecycle } from './admission/namespace_lifecycle';
import { admitHostPathClass } from './admission/hostpath_storage_class';
import { NodeRestriction, nodeRestriction } from './admission/node_restriction';
import { admitClaimResize, PersistentVolumeClaimResize } from './admission/persistent_volume_claim_resize';
import { admitDefaultStorageClass, DefaultStorageClass } from './admission/default_storage_class';
import { rbacGroup } from '../api/rbac/v1';
import { ensureBootstrapPolicy } from './authorization/rbac/bootstrap/reconcile';
import { backoffUntil, pollUntil } from '../util/wait';
import { checkEscalation } from './authorization/rbac/escalation';
import { requestUser } from './authentication/request';
import { defaultHostPathBaseDir } from '../util/fsroots/roots';
import { applyPatcher, applyPatchType } from './patch/apply';
import { strategicMergePatcher, strategicMergePatchType } from './patch/strategic';
import { renderResponse, watchEncoder } from './tables/render';
import { x509Authenticator } from './authentication/x509';
import { tokenAuthenticator, type TokenAuthenticator } from './authentication/token_file';
import type { Authenticator } from './authentication/authenticator';
import { AuthorizationMode, newAuthorizationChain, type AuthorizationChain } from './authorization/modes';
import { authentication } from './filters/authentication';
import { authorization } from './filters/authorization';
import { impersonation } from './filters/impersonation';
import { AuditLog } from './filters/audit';
import { reviewHandlers, type ReviewHandler } from './reviews';
import type { ApiServerConfig } from './config';
import { DefaultNamespace } from '../api/keys';
import { allResources, reviewResources } from '../api/resources';
import { customResourceDefinitions } from '../api/apiextensions/v1';
import { customResourceDefinitionStrategy } from './apiextensions/crd_strategy';
import { CrdManager } from './apiextensions/manager';
import { cachedCustomResourceDocuments } from './apiextensions/openapi';

/** The version this server reports. */
const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kubestore',
  gitCommit: '',
  gitTreeState: 'clean',
  buildDate: '2026-11-21T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'tsc',
  platform: `${process.platform}/${process.arch}`,
};

const defaultNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function jsonValue(raw: Buffer, type: string): Json {
  return decodeDocument(raw, type) as Json;
}

/** Built-in patch types (strategic merge and apply are added by the server when available). */
const basicPatchers: Record<string, Patcher> = {
  'application/merge-patch+json': (cur, raw) =>
    applyMergePatch(cur as unknown as Json, jsonValue(raw, 'json')) as unknown as KubeObject,
  'application/json-patch+json': (cur, raw) => {
    try {
      return applyJsonPatch(cur as unknown as Json, jsonValue(raw, 'json')) as unknown as KubeObject;
    } catch (err) {
      if (!(err instanceof JsonPatchError)) throw err;
      // As kube-apiserver: a failed `test` is 422, any other inapplicable patch 400.
      if (err.failure === JsonPatchFailure.TestFailed)
        throw new StatusError(
          422,
          StatusReason.Invalid,
          `the server rejected our request due to an error in our request: ${err.message}`,
        );
      throw badRequest(`the server rejected our request due to an error in our request: ${err.message}`);
    }
  },
};

/** A running apiserver. */
export class ApiServer {
  readonly metrics = new ApiServerMetrics();
  readonly stores = new Map<string, Store>();
  private readonly log: Logger;
  private readonly storage: Storage;
  private readonly app = new Koa();
  /** The NamespaceLifecycle admission plugin, reading namespaces from their store. */
  private readonly lifecycle = new NamespaceLifecycle({
    cached: (name) => {
      const nsStore = this.store('', namespacesInfo.resource);
      return nsStore.cache.getCached(nsStore.key(undefined, name)) as Namespace | undefined;
    },
    live: async (name) => {
      try {
        return (await this.store('', namespacesInfo.resource).get(undefined, name)) as Namespace;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
  });
  private server?: ReturnType<Koa['listen']>;
  private secureServer?: ReturnType<typeof createSecureServer>;
  /** The --authorization-mode chain (tests ask it directly). */
  readonly authorization: AuthorizationChain;
  private readonly reviews: Map<string, ReviewHandler>;
  /** --token-auth-file's authenticator (requests and TokenReviews). */
  private readonly tokenAuthenticators: TokenAuthenticator[];
  private readonly audit?: AuditLog;
  private ready = false;
  /** Destroy the upgraded (exec, attach, port-forward) sockets of each server; see routeUpgrades. */
  private readonly closeUpgraded: (() => void)[] = [];
  /** Aborted by stop(): ends the priming retries. */
  private readonly stopping = new AbortController();
  /** Serves the CustomResourceDefinitions' resources. */
  readonly crds: CrdManager;
  /** Extra patch types, renderers and subresources plug in here before start(). */
  readonly deps: ResourceHandlerDeps;

  constructor(private readonly config: ApiServerConfig) {
    this.log = config.logger;
    this.storage =
      config.storage ??
      new EtcdStore({
        endpoints: config.etcdServers,
        logger: config.logger,
        ...(config.etcdRequestTimeoutMs ? { requestTimeoutMs: config.etcdRequestTimeoutMs } : {}),
      });
    for (const strategy of allStrategies) {
      const info = strategy.info;
      const cache = new WatchCache({
        storage: this.storage,
        prefix: `${config.etcdPrefix.replace(/\/$/, '')}/${info.resource}/`,
        logger: this.log,
        ...(config.watchCacheCapacity ? { capacity: config.watchCacheCapacity } : {}),
      });
      const store: Store = new Store({
        strategy,
        storage: this.storage,
        cache,
        keyPrefix: config.etcdPrefix,
        admission: this.admissionFor(info),
        ...(config.freshnessWaitMs !== undefined ? { freshnessWaitMs: config.freshnessWaitMs } : {}),
      });
      this.stores.set(storeKey(info.group, info.version, info.resource), store);
    }
    const crdInfo = customResourceDefinitions;
    const crdStore: Store = new Store({
      strategy: customResourceDefinitionStrategy as unknown as Strategy,
      storage: this.storage,
      cache: new WatchCache({
        storage: this.storage,
        prefix: `${config.etcdPrefix.replace(/\/$/, '')}/${crdInfo.group}/${crdInfo.resource}/`,
        logger: this.log,
      }),
      keyPrefix: config.etcdPrefix,
      resourcePath: `${crdInfo.group}/${crdInfo.resource}`,
    });
    this.stores.set(storeKey(crdInfo.group, crdInfo.version, crdInfo.resource), crdStore);
    this.crds = new CrdManager({
      crds: crdStore,
      storage: this.storage,
      keyPrefix: config.etcdPrefix,
      logger: this.log,
      stores: this.stores,
      builtins: [...allResources, ...reviewResources, crdInfo],
      admissionFor: (info) => this.admissionFor(info),
      ...(config.watchCacheCapacity ? { watchCacheCapacity: config.watchCacheCapacity } : {}),
    });
    this.authorization = newAuthorizationChain(config.authorizationModes ?? [AuthorizationMode.AlwaysAllow], {
      store: (g, r) => this.store(g, r),
    });
    this.tokenAuthenticators = config.secure?.tokens ? [tokenAuthenticator(config.secure.tokens)] : [];
    this.reviews = reviewHandlers({
      authorizer: this.authorization.authorizer,
      ruleResolvers: this.authorization.ruleResolvers,
      tokens: this.tokenAuthenticators,
    });
    if (config.auditLogPath) this.audit = new AuditLog(config.auditLogPath);
    const protect = !(config.disableAdmissionPlugins ?? []).includes(StorageObjectInUseProtection);
    const restrictNodes = !(config.disableAdmissionPlugins ?? []).includes(NodeRestriction);
    const checkResize = !(config.disableAdmissionPlugins ?? []).includes(PersistentVolumeClaimResize);
    const defaultClass = !(config.disableAdmissionPlugins ?? []).includes(DefaultStorageClass);
    this.deps = {
      stores: this.stores,
      patchers: { ...basicPatchers, [strategicMergePatchType]: strategicMergePatcher, [applyPatchType]: applyPatcher },
      subresources: {
        'pods/binding': podBinding,
        'statefulsets/scale': scaleSubresource(basicPatchers),
        '*/scale': scaleSubresource(basicPatchers),
        'pods/log': podLog(() => this.store('', 'nodes'), config.kubeletClient),
        'nodes/proxy': nodeProxy(config.kubeletClient),
        'pods/exec': podStream(StreamKind.Exec, () => this.store('', 'nodes'), config.kubeletClient),
        'pods/attach': podStream(StreamKind.Attach, () => this.store('', 'nodes'), config.kubeletClient),
        'pods/portforward': podStream(StreamKind.PortForward, () => this.store('', 'nodes'), config.kubeletClient),
      },
      render: renderResponse,
      watchEncoder: watchEncoder(defaultEncoder),
      admit: (w) => {
        const resource = w.store.strategy.info.resource;
        // A server-side apply that creates the object is a create for the mutating plugins.
        const verb = w.verb === 'patch' && !w.old ? 'create' : w.verb;
        const written = admitWrite(w);
        const obj = defaultClass
          ? admitDefaultStorageClass(
              { resource, verb, ...(w.subresource ? { subresource: w.subresource } : {}), obj: written },
              () => this.cachedClasses(),
            )
          : written;
        admitHostPathClass(resource, obj, w.old, config.hostPathRoots ?? [defaultHostPathBaseDir]);
        if (restrictNodes) nodeRestriction.write(w, obj);
        if (checkResize) admitClaimResize({ ...w, resource, obj }, (name) => this.cachedClass(name));
        const ns = w.store.strategy.info.namespaced
          ? ((w.ctx.state.requestInfo as RequestInfo).namespace ?? obj.metadata.namespace ?? DefaultNamespace)
          : '';
        if (!w.subresource)
          checkEscalation(
            this.authorization,
            requestUser(w.ctx),
            resource,
            ns,
            obj,
            () => w.store.strategy.validate(obj).length === 0,
          );
        return w.verb === 'create' && protect ? protectOnCreate(resource, obj) : obj;
      },
      ...(restrictNodes ? { admitDelete: nodeRestriction.delete } : {}),
      createOnPatch: [applyPatchType],
      bookmarkIntervalMs: config.bookmarkIntervalMs ?? 60_000,
      onWatch: (resource, delta) => this.metrics.watch(resource, delta),
    };
    this.routes();
    if (kubeletTls(config.kubeletClient) && !config.kubeletClient.ca)
      this.log.warn('no --kubelet-certificate-authority: the serving certificates of kubelets are not verified');
  }

  /** The store of a resource (tests and built-in subresources use it). */
  store(group: string, resource: string): Store {
    const s = this.stores.get(storeKey(group, 'v1', resource));
    if (!s) throw new Error(`no store for ${resource}`);
    return s;
  }

  /** A StorageClass from the watch cache (what PersistentVolumeClaimResize reads). */
  private cachedClass(name: string): StorageClass | undefined {
    const classes = this.store('storage.k8s.io', 'storageclasses');
    return classes.cache.getCached(classes.key(undefined, name)) as StorageClass | undefined;
  }

  /** Every StorageClass in the watch cache (what DefaultStorageClass reads). */
  private cachedClasses(): StorageClass[] {
    const classes = this.store('storage.k8s.io', 'storageclasses');
    return classes.cache.snapshot(classes.listPrefix(undefined)).items as StorageClass[];
  }

  /** NamespaceLifecycle's checks, as each store needs them. */
  private admissionFor(info: ResourceInfo): StoreAdmission<KubeObject> {
    if (info.namespaced)
      return {
        create: (ns, obj) => this.lifecycle.admitCreate(info, obj.metadata.name ?? obj.metadata.generateName ?? '', ns),
      };
    if (info.resource !== namespacesInfo.resource) return {};
    return {
      delete: (ns) => this.lifecycle.admitDelete(ns.metadata.name),
      deleted: (ns) => this.lifecycle.deleted(ns.metadata.name),
    };
  }

  private routes(): void {
    const router = new Router();
    const app = this.app;
    app.use(statusErrors(this.log));
    app.use(bodyDeadline(this.config.bodyReadTimeoutMs ?? defaultBodyReadTimeoutMs));
    // Replaces Koa's default handler (stack traces on stderr): a client that goes away
    // mid-stream is normal; anything else goes to the structured log.
    app.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE' && err.code !== 'ECONNRESET' && err.code !== 'EPIPE')
        this.log.warn({ err: err.message }, 'server error');
    });
    app.use(async (ctx, next) => {
      const start = process.hrtime.bigint();
      try {
        await next();
      } finally {
        const info = ctx.state.requestInfo as RequestInfo | undefined;
        const labels = { verb: info?.verb ?? ctx.method.toLowerCase(), resource: info?.resource ?? '' };
        if (info?.verb !== 'watch') {
          this.metrics.requests.inc({ ...labels, code: String(ctx.status) });
          this.metrics.latency.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
        } else this.metrics.requests.inc({ ...labels, code: '200' });
      }
    });
    const authenticators: Authenticator[] = [
      ...(this.config.secure?.clientCA ? [x509Authenticator] : []),
      ...this.tokenAuthenticators,
    ];
    if (this.audit) app.use(this.audit.middleware());
    app.use(authentication({ authenticators, anonymous: this.config.secure?.anonymous ?? true, logger: this.log }));
    app.use(impersonation(this.authorization.authorizer));
    app.use(authorization(this.authorization.authorizer));
    router.get(['/healthz', '/livez'], (ctx) => {
      ctx.type = 'text/plain';
      ctx.body = 'ok';
    });
    router.get('/readyz', async (ctx) => {
      ctx.type = 'text/plain';
      if (this.ready && (await this.etcdAnswers())) ctx.body = 'ok';
      else {
        ctx.status = 503;
        ctx.body = 'etcd: not ready (no linearizable read within 2 s: quorum lost or every member unreachable)';
      }
    });
    router.get('/version', (ctx) => {
      ctx.body = serverVersion;
    });
    registerOpenApiRoutes(router, () => cachedCustomResourceDocuments(this.crds.servedCrds()));
    registerUiRoutes(router, this.log);
    router.get('/metrics', (ctx) => {
      ctx.type = 'text/plain; version=0.0.4';
      ctx.body = this.metrics.registry.render();
    });
    router.get('/api', (ctx) => {
      ctx.body = coreVersions(
        `${ctx.req.socket.localAddress ?? this.config.bindAddress}:${ctx.req.socket.localPort ?? this.port}`,
      );
    });
    router.get('/api/v1', (ctx) => {
      ctx.body = resourceList('', 'v1');
    });
    router.get('/apis', (ctx) => {
      ctx.body = groupList(this.dynamicResources());
    });
    router.get('/apis/:group', (ctx) => {
      const g = group(ctx.params.group ?? '', this.dynamicResources());
      if (!g) throw notFound({ resource: 'groups' }, ctx.params.group ?? '');
      ctx.body = g;
    });
    router.get('/apis/:group/:version', (ctx) => {
      const list = resourceList(ctx.params.group ?? '', ctx.params.version ?? '', this.dynamicResources());
      if (list.resources.length === 0)
        throw notFound({ resource: 'groupversions' }, `${ctx.params.group ?? ''}/${ctx.params.version ?? ''}`);
      ctx.body = list;
    });
    const serve = async (ctx: Context, groupName: string, version: string, rest: string) => {
      const info = parseResourcePath(groupName, version, rest.split('/'), ctx.method, boolParam(ctx, 'watch'));
      if (!info)
        throw new StatusError(
          405,
          StatusReason.MethodNotAllowed,
          `the server does not allow this method on the requested resource`,
        );
      if ((info.verb === 'update' || info.verb === 'patch') && !info.name) {
        throw new StatusError(
          405,
          StatusReason.MethodNotAllowed,
          `the server does not allow this method on the requested resource`,
        );
      }
      ctx.state.requestInfo = info;
      const review = this.reviews.get(storeKey(info.group, info.version, info.resource));
      if (review) return review(ctx, info);
      if (!this.ready) throw serviceUnavailable('the apiserver is starting: storage is not ready yet');
      await handleResource(ctx, info, this.deps);
    };
    app.use(router.routes());
    app.use(async (ctx, next) => {
      const core = /^\/api\/v1\/(.+)$/.exec(ctx.path);
      const named = core ? undefined : /^\/apis\/([^/]+)\/([^/]+)\/(.+)$/.exec(ctx.path);
      if (core) return serve(ctx, '', 'v1', core[1] ?? '');
      if (named) return serve(ctx, named[1] ?? '', named[2] ?? '', named[3] ?? '');
      return next();
    });
    app.use(router.allowedMethods({ throw: false }));
    app.use((ctx) => {
      if (ctx.status === 404 && ctx.body === undefined)
        throw new StatusError(404, StatusReason.NotFound, `the server could not find the requested resource`);
    });
  }

  /** The resources served besides the static table: CRDs themselves and every Established CRD's. */
  private dynamicResources(): ResourceInfo[] {
    return [customResourceDefinitions, ...this.crds.servedResources()];
  }

  private async etcdAnswers(): Promise<boolean> {
    try {
      await Promise.race([
        this.storage.currentRevision(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
      ]);
      return true;
    } catch {
      return false;
    }
  }

  /** The plain-HTTP port the server listens on (0 when it has none). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.config.port ?? 0;
  }

  /** http://host:port of the plain-HTTP test port. */
  get url(): string {
    return `http://${this.config.bindAddress}:${this.port}`;
  }

  /** The secure port the server listens on (0 when it has none). */
  get securePort(): number {
    return (this.secureServer?.address() as AddressInfo | null)?.port ?? this.config.secure?.port ?? 0;
  }

  /** https://host:port of the secure port. */
  get secureUrl(): string {
    return `https://${this.config.bindAddress}:${this.securePort}`;
  }

  /** True once storage answered and watch caches are primed. */
  get isReady(): boolean {
    return this.ready;
  }

  /** Listens (plain test port and/or secure port), then primes the watch caches (retrying until etcd answers). */
  async start(): Promise<void> {
    // Node's own receive deadline backs up readBody's (a client that never finishes its headers).
    const bodyMs = this.config.bodyReadTimeoutMs ?? defaultBodyReadTimeoutMs;
    const timeouts = { requestTimeout: bodyMs + 1000, connectionsCheckingInterval: Math.min(30_000, bodyMs) };
    const listen = async (server: ReturnType<typeof createServer>, port: number) => {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, this.config.bindAddress, () => resolve());
      });
      server.setTimeout(0);
    };
    if (this.config.port !== undefined) {
      this.server = createServer(timeouts, this.app.callback());
      this.closeUpgraded.push(routeUpgrades(this.server, this.app.callback()));
      await listen(this.server, this.config.port);
      this.log.info(
        { url: this.url },
        'kube-apiserver listening (plain HTTP test port: no authentication or authorization)',
      );
    }
    const secure = this.config.secure;
    if (secure) {
      this.secureServer = createSecureServer(
        {
          ...timeouts,
          cert: secure.cert,
          key: secure.key,
          minVersion: 'TLSv1.2',
          // Ask for a client certificate, but let requests without one (or with a bad one) reach the
          // authentication filter: it decides between x509, token, anonymous and 401.
          ...(secure.clientCA ? { ca: secure.clientCA, requestCert: true, rejectUnauthorized: false } : {}),
          // Full handshakes only: every connection's client certificate is verified afresh.
          secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
        },
        this.app.callback(),
      );
      this.closeUpgraded.push(routeUpgrades(this.secureServer, this.app.callback()));
      await listen(this.secureServer, secure.port);
      this.log.info({ url: this.secureUrl }, 'kube-apiserver listening');
    }
    void this.prime();
  }

  /** Resolves once the server is ready (or rejects after `timeoutMs`). */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    if (!(await pollUntil(() => this.ready, { intervalMs: 20, timeoutMs })))
      throw new Error('apiserver did not become ready');
  }

  private async prime(): Promise<void> {
    await backoffUntil(
      async () => {
        // Defaults first, straight to storage: the caches' first list then holds them, so the
        // first request after ready is already authorized by the default bindings.
        await this.ensureDefaultNamespaces();
        await ensureBootstrapPolicy({
          clusterRoles: this.store(rbacGroup, 'clusterroles'),
          clusterRoleBindings: this.store(rbacGroup, 'clusterrolebindings'),
        });
        await Promise.all([...this.stores.values()].map((s) => s.cache.start()));
        await this.crds.start();
        this.ready = true;
        this.log.info('storage ready');
      },
      {
        backoff: { durationMs: 200, factor: 2, capMs: 5000 },
        signal: this.stopping.signal,
        onRetry: (err, delay) => {
          this.log.warn({ err: (err as Error).message, retryInMs: delay }, 'storage not ready; retrying');
          this.crds.stop();
          for (const s of this.stores.values()) s.cache.stop();
        },
      },
    );
  }

  private async ensureDefaultNamespaces(): Promise<void> {
    const nsStore = this.store('', namespacesInfo.resource);
    for (const name of defaultNamespaces) {
      try {
        await nsStore.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
  }

  /** Ends every watch, stops listening and closes storage. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.crds.stop();
    for (const s of this.stores.values()) s.cache.stop();
    await Promise.all(
      [this.server, this.secureServer].map(
        (server) =>
          new Promise<void>((resolve) => {
            if (!server) return resolve();
            server.close(() => resolve());
            server.closeAllConnections();
            for (const close of this.closeUpgraded) close();
          }),
      ),
    );
    await this.audit?.close();
    await this.storage.close();
  }
}

/** Runs an apiserver until `signal` aborts. */
export async function run(config: ApiServerConfig, signal: AbortSignal): Promise<void> {
  const server = new ApiServer(config);
  await server.start();
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await server.stop();
}
