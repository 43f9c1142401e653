/** The informer package: list+watch turned into shared, indexed, read-only caches and events. */
export { type HandlerRegistration, HandlerSet, type Notification, type ResourceEventHandler } from './event_handler';
export {
  type FactoryClientset,
  type InformerScope,
  SharedInformerFactory,
  type SharedInformerFactoryOptions,
} from './factory';
export { IndexedCache, type IndexFunc, type Indexer, type Indexers, NamespaceIndex } from './indexer';
export { type LabelMatcher, type Lister, listerFor } from './lister';
export {
  type ListerWatcher,
  type ListPageOptions,
  listWatchFor,
  type ListWatchSelectors,
  type WatchStartOptions,
} from './list_watch';
export { type DeepReadonly, deepFreeze } from '../util/immutable/deep_readonly';
export { Reflector, type ReflectorOptions, type ReflectorStore } from './reflector';
export type { KeyFunc, Keyed, Store } from './store';
export { SharedIndexInformer, type SharedInformerOptions } from './shared_informer';
export {
  DeletedFinalStateUnknown,
  deletionHandlingKey,
  isDeletedFinalStateUnknown,
  unwrapTombstone,
} from './tombstone';
