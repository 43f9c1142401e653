/**
 * A small test resource for the generic registry Store: namespaced `widgets` with a spec, a
 * status and one selectable field, whose strategy records every hook call so tests can check
 * the Store calls prepareForCreate / validate / prepareForUpdate / validateUpdate /
 * validateStatusUpdate when (and only when) it should, and in that order.
 */
import type { KubeObject } from '../../../../pkg/api/meta';
import type { ResourceInfo } from '../../../../pkg/api/resources';
import { type FieldError, forbidden, invalid, notSupported } from '../../../../pkg/api/validation/field';
import { StatusError } from '../../../../pkg/api/errors';
import { Store } from '../../../../pkg/apiserver/registry/store';
import { defaultStrategy, type Strategy } from '../../../../pkg/apiserver/registry/strategy';
import { WatchCache } from '../../../../pkg/apiserver/watch/cache';
import { silentLogger } from '../../../../pkg/log/logger';
import { MemoryStore } from '../../../../pkg/storage/memory/store';

/** The test resource's object. */
export interface Widget extends KubeObject {
  spec: { size: number; color?: string };
  status?: { phase?: string };
}

/** Phases a widget's status may have. */
export const widgetPhases = ['New', 'Ready'] as const;

/** The test resource's ResourceInfo. */
export const widgets: ResourceInfo = {
  group: 'test.kubestore.io',
  version: 'v1',
  kind: 'Widget',
  listKind: 'WidgetList',
  resource: 'widgets',
  singular: 'widget',
  namespaced: true,
  shortNames: [],
  subresources: ['status'],
  verbs: ['create', 'delete', 'get', 'list', 'update', 'watch'],
};

/** One recorded strategy hook call: its name and the object's name. */
export interface HookCall {
  hook: string;
  name: string;
}

/**
 * The widget strategy: create defaults `spec.color` to blue and resets status to phase New;
 * `spec.size` must not be negative; `spec.color` is immutable; status phases are New or Ready;
 * a DELETE's grace period is the one requested (default 0).
 */
export function widgetStrategy(calls: HookCall[]): Strategy<Widget> {
  const record = (hook: string, w: Widget) => calls.push({ hook, name: w.metadata.name ?? '' });
  const sizeErrors = (w: Widget): FieldError[] =>
    w.spec.size < 0 ? [invalid('spec.size', w.spec.size, 'must be greater than or equal to 0')] : [];
  return {
    ...defaultStrategy,
    info: widgets,
    hasStatus: true,
    selectableFields: ['spec.color'],
    prepareForCreate: (w) => {
      record('prepareForCreate', w);
      return { ...w, spec: { ...w.spec, color: w.spec.color ?? 'blue' }, status: { phase: 'New' } };
    },
    validate: (w) => {
      record('validate', w);
      return sizeErrors(w);
    },
    prepareForUpdate: (w) => {
      record('prepareForUpdate', w);
      return { ...w, spec: { ...w.spec, color: w.spec.color ?? 'blue' } };
    },
    validateUpdate: (w, old) => {
      record('validateUpdate', w);
      return [
        ...sizeErrors(w),
        ...(w.spec.color !== old.spec.color ? [forbidden('spec.color', 'field is immutable')] : []),
      ];
    },
    validateStatusUpdate: (w) => {
      record('validateStatusUpdate', w);
      const phase = w.status?.phase;
      return phase && !(widgetPhases as readonly string[]).includes(phase)
        ? [notSupported('status.phase', phase, widgetPhases)]
        : [];
    },
    fields: (w) => ({ 'spec.color': w.spec.color }),
    gracePeriod: (_w, requested) => requested ?? 0,
  };
}

/** A Store of widgets on a fresh MemoryStore, with a started watch cache and a fixed clock. */
export interface WidgetFixture {
  store: Store<Widget>;
  storage: MemoryStore;
  cache: WatchCache;
  calls: HookCall[];
  /** What the Store's clock returns; tests may move it. */
  clock: { now: Date };
}

/** Builds (and starts) a WidgetFixture; stop its cache with `cache.stop()`. */
export async function widgetFixture(opts: { freshnessWaitMs?: number } = {}): Promise<WidgetFixture> {
  const storage = new MemoryStore();
  const calls: HookCall[] = [];
  const clock = { now: new Date('2024-05-01T10:00:00Z') };
  const cache = new WatchCache({ storage, prefix: '/registry/widgets/', logger: silentLogger() });
  await cache.start();
  const store = new Store<Widget>({
    strategy: widgetStrategy(calls),
    storage,
    cache,
    keyPrefix: '/registry',
    now: () => clock.now,
    ...(opts.freshnessWaitMs !== undefined ? { freshnessWaitMs: opts.freshnessWaitMs } : {}),
  });
  return { store, storage, cache, calls, clock };
}

/** A widget named `name` of `size` (no namespace: the Store's argument decides). */
export function widget(name: string, size = 1, extra: Partial<Widget['metadata']> = {}): Widget {
  return { metadata: { name, ...extra }, spec: { size } };
}

/** The StatusError `p` rejects with (fails the test when it resolves or throws anything else). */
export async function statusErrorOf(p: Promise<unknown>): Promise<StatusError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  if (!(err instanceof StatusError)) throw new Error(`expected a StatusError, got ${String(err)}`);
  return err;
}
