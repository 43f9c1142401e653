/**
 * ControllerRevision strategy: no spec/status split (hasStatus false), no defaulting; `data`
 * is immutable once written, `revision` may be renumbered by its controller.
 */
import type { ControllerRevision } from '../../../api/apps/v1';
import { controllerRevisions } from '../../../api/resources';
import { validateControllerRevision, validateControllerRevisionUpdate } from '../../../api/validation';
import { defaultStrategy, type Strategy } from '../strategy';

export const controllerRevisionStrategy: Strategy<ControllerRevision> = {
  ...defaultStrategy,
  info: controllerRevisions,
  hasStatus: false,
  prepareForCreate: (rev) => rev,
  validate: validateControllerRevision,
  prepareForUpdate: (rev) => rev,
  validateUpdate: validateControllerRevisionUpdate,
};
