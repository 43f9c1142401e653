/**
 * The CustomResourceDefinition strategy: cluster-scoped, status subresource (conditions and
 * acceptedNames are the apiserver's), storedVersions recorded on create, and a first delete
 * adds the customresourcecleanup finalizer and the Terminating condition (the objects are
 * removed by the CRD manager before the CRD goes), as kube-apiserver's CRD registry does.
 */
import {
  CrdConditionReason,
  CrdConditionType,
  customResourceCleanupFinalizer,
  customResourceDefinitions,
  type CustomResourceDefinition,
} from '../../api/apiextensions/v1';
import { defaultStrategy, type Strategy } from '../registry/strategy';
import { setCrdCondition } from './conditions';
import {
  validateCustomResourceDefinition,
  validateCustomResourceDefinitionStatus,
  validateCustomResourceDefinitionUpdate,
} from './crd_validation';

function withStoredVersion(crd: CustomResourceDefinition): CustomResourceDefinition {
  const storage = (Array.isArray(crd.spec?.versions) ? crd.spec.versions : []).find((v) => v.storage)?.name;
  const stored = crd.status?.storedVersions ?? [];
  if (!storage || stored.includes(storage)) return crd;
  return { ...crd, status: { ...crd.status, storedVersions: [...stored, storage] } };
}

/** The strategy of customresourcedefinitions. */
export const customResourceDefinitionStrategy: Strategy<CustomResourceDefinition> = {
  ...defaultStrategy,
  info: customResourceDefinitions,
  hasStatus: true,
  prepareForCreate: (crd) => withStoredVersion({ ...crd, status: {} }),
  validate: validateCustomResourceDefinition,
  prepareForUpdate: (crd) => withStoredVersion(crd),
  validateUpdate: validateCustomResourceDefinitionUpdate,
  validateStatusUpdate: validateCustomResourceDefinitionStatus,
  finalizersOnDelete: () => [customResourceCleanupFinalizer],
  prepareForDeletion: (crd) =>
    crd.status?.conditions?.some((c) => c.type === CrdConditionType.Terminating)
      ? crd
      : setCrdCondition(crd, {
          type: CrdConditionType.Terminating,
          status: 'True',
          reason: CrdConditionReason.InstanceDeletionPending,
          message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
        }),
};
