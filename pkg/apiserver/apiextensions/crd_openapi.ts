/**
 * The published OpenAPI v3 schema of the CustomResourceDefinition kind itself: its spec and
 * status fields as kube-apiserver lists them, so kubectl can compute its client-side apply
 * patch from it (with an open object kubectl printed `error calculating patch from openapi v3
 * spec: unable to find api field "status"` on every second apply of a manifest carrying a
 * `status:` block, as controller-gen writes them). The versions' schemas, and conversion, are
 * open objects: a change inside them is a whole-list replacement anyway (versions is atomic).
 */
import type { JSONSchemaProps } from '../../api/apiextensions/v1';
import { bool, freeForm, list, oneOf, str, strings, struct } from '../openapi/schema';

const names = (what: string) =>
  struct(`${what} are the names used to serve the custom resource.`, {
    categories: strings('categories is a list of grouped resources this custom resource belongs to (e.g. `all`).'),
    kind: str('kind is the serialized kind of the resource.'),
    listKind: str('listKind is the serialized kind of the list for this resource.'),
    plural: str('plural is the plural name of the resource to serve.'),
    shortNames: strings('shortNames are short names for the resource, exposed in API discovery documents.'),
    singular: str('singular is the singular name of the resource.'),
  });

/** The CustomResourceDefinition kind's schema (apiVersion, kind and metadata are added by the caller). */
export const customResourceDefinitionSchema = struct(
  'CustomResourceDefinition represents a resource that should be exposed on the API server.',
  {
    spec: struct('spec describes how the user wants the resources to appear', {
      conversion: freeForm('conversion defines conversion settings for the CRD.'),
      group: str('group is the API group of the defined custom resource.'),
      names: names('names'),
      preserveUnknownFields: bool(
        'preserveUnknownFields indicates that object fields which are not specified in the OpenAPI schema should be preserved when persisting to storage.',
      ),
      scope: oneOf('scope indicates whether the defined custom resource is cluster- or namespace-scoped.', [
        'Cluster',
        'Namespaced',
      ]),
      versions: list(
        freeForm('CustomResourceDefinitionVersion describes a version for CRD.'),
        'versions is the list of all API versions of the defined custom resource.',
      ),
    }),
    status: struct('status indicates the actual state of the CustomResourceDefinition', {
      acceptedNames: names('acceptedNames'),
      conditions: list(
        struct('CustomResourceDefinitionCondition contains details for the current condition of this pod.', {
          lastTransitionTime: str(
            'lastTransitionTime last time the condition transitioned from one status to another.',
            {
              format: 'date-time',
            },
          ),
          message: str('message is a human-readable message indicating details about last transition.'),
          reason: str("reason is a unique, one-word, CamelCase reason for the condition's last transition."),
          status: str('status is the status of the condition. Can be True, False, Unknown.'),
          type: str('type is the type of the condition. Types include Established, NamesAccepted and Terminating.'),
        }),
        'conditions indicate state for particular aspects of a CustomResourceDefinition',
        { listType: 'map', mapKeys: ['type'] },
      ),
      storedVersions: strings('storedVersions lists all versions of CustomResources that were ever persisted.'),
    }),
  },
  { required: ['spec'] },
) as unknown as JSONSchemaProps;
