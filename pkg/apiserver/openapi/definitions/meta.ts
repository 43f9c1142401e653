/** Schemas of the apimachinery types every group references (ObjectMeta, Time, Quantity, Status…). */
import {
  bool,
  freeForm,
  int32,
  int64,
  intOrStringName,
  list,
  metaName,
  quantityName,
  ref,
  refOnly,
  str,
  stringMap,
  strings,
  struct,
  time,
  typeMeta,
  type Components,
} from '../schema';

/** apimachinery schemas, by component name. */
export const metaSchemas: Components = {
  [metaName('Time')]: {
    description:
      'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON. Wrappers are provided for many of the factory methods that the time package offers.',
    type: 'string',
    format: 'date-time',
  },
  [metaName('MicroTime')]: {
    description: 'MicroTime is version of Time with microsecond level precision.',
    type: 'string',
    format: 'date-time',
  },
  [quantityName]: {
    description:
      'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is:\n\n``` <quantity>        ::= <signedNumber><suffix>\n```\n\nExamples: 500Mi, 2Gi, 100m, 1.5.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  [intOrStringName]: {
    description: 'IntOrString is a type that can hold an int32 or a string.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  [metaName('FieldsV1')]: freeForm(
    "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.\n\nEach key is either a '.' representing the field itself, and will always map to an empty set, or a string representing a sub-field or item. The string will follow one of these four formats: 'f:<name>', where <name> is the name of a field in a struct, or key in a map 'v:<value>', where <value> is the exact json formatted value of a list item 'i:<index>', where <index> is position of a item in a list 'k:<keys>', where <keys> is a map of  a list item's key fields to their unique values If a key maps to an empty Fields value, the field that key represents is part of the set.",
  ),
  [metaName('ManagedFieldsEntry')]: struct(
    'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.',
    {
      apiVersion: str('APIVersion defines the version of this resource that this field set applies to.'),
      fieldsType: str(
        'FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: "FieldsV1"',
      ),
      fieldsV1: ref(
        metaName('FieldsV1'),
        'FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.',
      ),
      manager: str('Manager is an identifier of the workflow managing these fields.'),
      operation: str(
        "Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are 'Apply' and 'Update'.",
      ),
      subresource: str(
        'Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource.',
      ),
      time: time('Time is the timestamp of when the ManagedFields entry was added.'),
    },
  ),
  [metaName('OwnerReference')]: struct(
    'OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.',
    {
      apiVersion: str('API version of the referent.'),
      blockOwnerDeletion: bool(
        'If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.',
      ),
      controller: bool('If true, this reference points to the managing controller.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
    },
    { required: ['apiVersion', 'kind', 'name', 'uid'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [metaName('ObjectMeta')]: struct(
    'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    {
      annotations: stringMap(
        'Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. They are not queryable and should be preserved when modifying objects. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations',
      ),
      creationTimestamp: time(
        'CreationTimestamp is a timestamp representing the server time when this object was created. Populated by the system. Read-only.',
      ),
      deletionGracePeriodSeconds: int64(
        'Number of seconds allowed for this object to gracefully terminate before it will be removed from the system. Only set when deletionTimestamp is also set. Read-only.',
      ),
      deletionTimestamp: time(
        'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. Set by the server when a graceful deletion is requested by the user. Read-only.',
      ),
      finalizers: strings(
        'Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list.',
        { strategy: 'merge' },
      ),
      generateName: str(
        'GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.',
      ),
      generation: int64(
        'A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.',
      ),
      labels: stringMap(
        'Map of string keys and values that can be used to organize and categorize (scope and select) objects. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels',
      ),
      managedFields: list(
        refOnly(metaName('ManagedFieldsEntry')),
        "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow. This is mostly for internal housekeeping, and users typically shouldn't need to set or understand this field.",
      ),
      name: str(
        'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
      ),
      namespace: str(
        'Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the "default" namespace. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces',
      ),
      ownerReferences: list(
        refOnly(metaName('OwnerReference')),
        'List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected.',
        { mergeKey: 'uid' },
      ),
      resourceVersion: str(
        'An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. Populated by the system. Read-only.',
      ),
      selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
      uid: str(
        'UID is the unique in time and space value for this object. Populated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids',
      ),
    },
  ),
  [metaName('ListMeta')]: struct(
    'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.',
    {
      continue: str(
        'continue may be set if the user set a limit on the number of items returned, and indicates that the server has more data available.',
      ),
      remainingItemCount: int64(
        'remainingItemCount is the number of subsequent items in the list which are not included in this list response.',
      ),
      resourceVersion: str(
        "String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed.",
      ),
      selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
    },
  ),
  [metaName('LabelSelectorRequirement')]: struct(
    'A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.',
    {
      key: str('key is the label key that the selector applies to.'),
      operator: str(
        "operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist.",
      ),
      values: strings(
        'values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty.',
      ),
    },
    { required: ['key', 'operator'] },
  ),
  [metaName('LabelSelector')]: struct(
    'A label selector is a label query over a set of resources. The result of matchLabels and matchExpressions are ANDed. An empty label selector matches all objects. A null label selector matches no objects.',
    {
      matchExpressions: list(
        refOnly(metaName('LabelSelectorRequirement')),
        'matchExpressions is a list of label selector requirements. The requirements are ANDed.',
      ),
      matchLabels: stringMap('matchLabels is a map of {key,value} pairs.'),
    },
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [metaName('Preconditions')]: struct(
    'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.',
    {
      resourceVersion: str('Specifies the target ResourceVersion'),
      uid: str('Specifies the target UID.'),
    },
  ),
  [metaName('DeleteOptions')]: struct('DeleteOptions may be provided when deleting an API object.', {
    ...typeMeta(),
    dryRun: strings(
      'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed',
    ),
    gracePeriodSeconds: int64(
      'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately.',
    ),
    ignoreStoreReadErrorWithClusterBreakingPotential: bool(
      'if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error.',
    ),
    orphanDependents: bool('Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7.'),
    preconditions: ref(
      metaName('Preconditions'),
      'Must be fulfilled before a deletion is carried out. If not possible, a 409 Conflict status will be returned.',
    ),
    propagationPolicy: str(
      "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'.",
    ),
  }),
  [metaName('StatusCause')]: struct(
    'StatusCause provides more information about an api.Status failure, including cases when multiple errors are encountered.',
    {
      field: str('The field of the resource that has caused this error, as named by its JSON serialization.'),
      message: str('A human-readable description of the cause of the error.'),
      reason: str(
        'A machine-readable description of the cause of the error. If this value is empty there is no information available.',
      ),
    },
  ),
  [metaName('StatusDetails')]: struct(
    'StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response.',
    {
      causes: list(
        refOnly(metaName('StatusCause')),
        'The Causes array includes more details associated with the StatusReason failure.',
      ),
      group: str('The group attribute of the resource associated with the status StatusReason.'),
      kind: str('The kind attribute of the resource associated with the status StatusReason.'),
      name: str(
        'The name attribute of the resource associated with the status StatusReason (when there is a single name which can be described).',
      ),
      retryAfterSeconds: int32('If specified, the time in seconds before the operation should be retried.'),
      uid: str('UID of the resource.'),
    },
  ),
  [metaName('Status')]: struct(
    "Status is a return value for calls that don't return other objects.",
    {
      ...typeMeta(),
      code: int32('Suggested HTTP return code for this status, 0 if not set.'),
      details: ref(metaName('StatusDetails'), 'Extended data associated with the reason.'),
      message: str('A human-readable description of the status of this operation.'),
      metadata: ref(metaName('ListMeta'), 'Standard list metadata.'),
      reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
      status: str('Status of the operation. One of: "Success" or "Failure".'),
    },
    { 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Status' }] },
  ),
  [metaName('Patch')]: {
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    type: 'object',
  },
  [metaName('WatchEvent')]: struct(
    'Event represents a single event to a watched resource.',
    {
      object: freeForm(
        'Object is the new state of the object (ADDED, MODIFIED), its last state (DELETED), or a Status (ERROR).',
      ),
      type: str('Event type: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.'),
    },
    { required: ['type', 'object'] },
  ),
};
