import type { StorageClass } from '../../../../pkg/api/storage/v1';
import { validateStorageClass, validateStorageClassUpdate } from '../../../../pkg/api/validation';
import { type Row, runRows, validStorageClass } from './fixtures';

describe('validateStorageClass', () => {
  const rows: Row<StorageClass>[] = [
    { name: 'the built-in name nfs', mutate: (sc) => (sc.metadata.name = 'nfs'), want: [] },
    { name: 'mixed-case names', mutate: (sc) => (sc.metadata.name = 'Fast-SSD'), want: [] },
    {
      name: 'name pattern',
      mutate: (sc) => (sc.metadata.name = 'fast_ssd'),
      want: ['metadata.name FieldValueInvalid'],
    },
    { name: 'provisioner required', mutate: (sc) => (sc.provisioner = ''), want: ['provisioner FieldValueRequired'] },
    {
      name: 'provisioner a qualified name',
      mutate: (sc) => (sc.provisioner = 'kubestore.io/host path'),
      want: ['provisioner FieldValueInvalid'],
    },
    {
      name: 'parameter keys non-empty',
      mutate: (sc) => (sc.parameters = { '': 'x' }),
      want: ['parameters FieldValueInvalid'],
    },
    { name: 'reclaimPolicy Retain', mutate: (sc) => (sc.reclaimPolicy = 'Retain'), want: [] },
    {
      name: 'reclaimPolicy Recycle is not allowed for classes',
      mutate: (sc) => (sc.reclaimPolicy = 'Recycle'),
      want: ['reclaimPolicy FieldValueNotSupported'],
      message: 'Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    },
    {
      name: 'volumeBindingMode WaitForFirstConsumer',
      mutate: (sc) => (sc.volumeBindingMode = 'WaitForFirstConsumer'),
      want: [],
    },
    {
      name: 'allowedTopologies: each requirement a label key with values',
      mutate: (sc) =>
        (sc.allowedTopologies = [
          { matchLabelExpressions: [{ key: 'zone' } as never, { key: '__proto__', values: ['a'] }] },
        ]),
      want: [
        'allowedTopologies[0].matchLabelExpressions[0].values FieldValueRequired',
        'allowedTopologies[0].matchLabelExpressions[1].key FieldValueInvalid',
      ],
    },
    {
      name: 'allowedTopologies: no key twice in a term, no value twice, no term twice',
      mutate: (sc) =>
        (sc.allowedTopologies = [
          {
            matchLabelExpressions: [
              { key: 'zone', values: ['a', 'a'] },
              { key: 'zone', values: ['b'] },
            ],
          },
          { matchLabelExpressions: [{ key: 'rack', values: ['r1'] }] },
          { matchLabelExpressions: [{ key: 'rack', values: ['r1'] }] },
        ]),
      want: [
        'allowedTopologies[0].matchLabelExpressions[0].values[1] FieldValueDuplicate',
        'allowedTopologies[0].matchLabelExpressions[1].key FieldValueDuplicate',
        'allowedTopologies[2].matchLabelExpressions FieldValueDuplicate',
      ],
    },
    {
      name: 'volumeBindingMode known',
      mutate: (sc) => (sc.volumeBindingMode = 'Later' as never),
      want: ['volumeBindingMode FieldValueNotSupported'],
    },
  ];
  runRows(validStorageClass, validateStorageClass, rows);
});

describe('validateStorageClassUpdate', () => {
  const update = (sc: StorageClass) => validateStorageClassUpdate(sc, validStorageClass());
  const rows: Row<StorageClass>[] = [
    { name: 'labels may change', mutate: (sc) => (sc.metadata.labels = { a: 'b' }), want: [] },
    { name: 'allowVolumeExpansion may change', mutate: (sc) => (sc.allowVolumeExpansion = true), want: [] },
    {
      name: 'provisioner immutable',
      mutate: (sc) => (sc.provisioner = 'kubestore.io/nfs'),
      want: ['provisioner FieldValueForbidden'],
      message: 'Forbidden: updates to provisioner are forbidden.',
    },
    {
      name: 'parameters immutable',
      mutate: (sc) => (sc.parameters = { baseDir: '/other' }),
      want: ['parameters FieldValueForbidden'],
    },
    {
      name: 'reclaimPolicy immutable',
      mutate: (sc) => (sc.reclaimPolicy = 'Retain'),
      want: ['reclaimPolicy FieldValueForbidden'],
    },
    {
      name: 'volumeBindingMode immutable',
      mutate: (sc) => (sc.volumeBindingMode = 'WaitForFirstConsumer'),
      want: ['volumeBindingMode FieldValueInvalid'],
    },
  ];
  runRows(validStorageClass, update, rows);
});
