/** CRD fixtures for the apiextensions integration tests. */

/** A namespaced CRD `widgets.example.com` exercising the schema subset, status, scale and printer columns. */
export function widgetCrd(group = 'example.com', plural = 'widgets', kind = 'Widget'): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: {
        plural,
        singular: kind.toLowerCase(),
        kind,
        listKind: `${kind}List`,
        shortNames: ['wd'],
        categories: ['all'],
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: {
            status: {},
            scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
          },
          additionalPrinterColumns: [
            { name: 'Size', type: 'string', jsonPath: '.spec.size' },
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
            { name: 'First', type: 'string', jsonPath: '.spec.tags[0]', priority: 1 },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['size'],
                  properties: {
                    size: { type: 'string', enum: ['small', 'large'] },
                    replicas: { type: 'integer', format: 'int32', minimum: 0, maximum: 10, default: 1 },
                    code: { type: 'string', pattern: '^[a-z]+$', maxLength: 5, minLength: 2 },
                    tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
                    port: { 'x-kubernetes-int-or-string': true },
                    labels: { type: 'object', additionalProperties: { type: 'string' } },
                    free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    nested: {
                      type: 'object',
                      default: {},
                      properties: { mode: { type: 'string', default: 'auto' } },
                    },
                    note: { type: 'string', nullable: true },
                  },
                },
                status: { type: 'object', properties: { replicas: { type: 'integer' }, phase: { type: 'string' } } },
              },
            },
          },
        },
      ],
    },
  };
}

/** A Widget object. */
export function widget(name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec, ...extra };
}
