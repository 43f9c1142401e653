/**
 * Builders shared by the tables that restate Kubernetes' binder cases (upstream_*.test.ts):
 * volumes and claims of no class unless told ('' = Kubernetes' classEmpty).
 */
import type { PersistentVolumeClaim } from '../../../../../pkg/api/core/v1';
import { Annotation } from '../../../../../pkg/controller/volume/persistentvolume/constants';
import { BuiltinProvisioner as Provisioner } from '../../../../helpers/volume_drivers';
import { pv, pvc, sc, type PVCOptions, type PVOptions } from './harness';

/** The two annotations the binder writes. */
export const BoundBy = Annotation.BoundByController;
export const Completed = Annotation.BindCompleted;
/** Labels of upstream's selector cases. */
export const labels = { foo: 'true', bar: 'false' };

/** A volume of no class (hostPath source). */
export const vol = (name: string, size: string, o: PVOptions = {}) => pv(name, { size, className: '', ...o });
/** A claim of no class. */
export const claim = (name: string, size: string, o: PVCOptions = {}) => pvc(name, { size, className: '', ...o });
/** A claim the controller finished binding to `volume` (bind-completed, status Bound). */
export function bound(name: string, volume: string, extra: Record<string, string> = {}): PersistentVolumeClaim {
  const c = claim(name, '1Gi', { volumeName: volume, annotations: { [Completed]: 'yes', ...extra } });
  c.status = { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] };
  return c;
}
/** A WaitForFirstConsumer class of the hostPath provisioner. */
export const waitClass = sc('wait', Provisioner.HostPath, { volumeBindingMode: 'WaitForFirstConsumer' });
