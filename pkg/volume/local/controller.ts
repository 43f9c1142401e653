/**
 * The local driver's controller half: there is none to speak of. Local volumes are created by
 * an administrator on a node, with a PV naming the directory and the node (Kubernetes has no
 * provisioner and no deleter for them): createVolume refuses, Delete and Recycle are refused
 * (the PV goes Failed with VolumeFailedDelete / VolumeFailedRecycle and its data stays), and
 * there is nothing to adopt. The PV controller reaches this only for a PV whose provisioned-by
 * annotation names this driver; for every other local PV it refuses reclaim itself, the same way.
 * Expansion is left to the node (nodeExpansionRequired).
 */
import type { ControllerService } from '../controller_service';
import { ProvisioningError, ReclaimRefusal } from '../errors';
import type { ControllerExpansion } from '../expansion';

/** Refuses every storage operation; see the file comment. */
export class LocalController implements ControllerService {
  async createVolume(): Promise<never> {
    throw new ProvisioningError(
      'local volumes are not provisioned dynamically: create a PersistentVolume with spec.local and nodeAffinity (classes of local volumes use provisioner kubernetes.io/no-provisioner)',
    );
  }

  async adoptVolume(): Promise<void> {
    // Nothing is ever provisioned, so nothing is recorded.
  }

  async deleteVolume(): Promise<never> {
    throw new ReclaimRefusal(
      'local volumes have no deleter: remove the directory on its node and the PersistentVolume yourself',
    );
  }

  async recycleVolume(): Promise<never> {
    throw new ReclaimRefusal('local volumes have no recycler: empty the directory on its node yourself');
  }

  /** Expansion of a local volume is the node's (only its kubelet sees the directory): nothing to do here. */
  expandVolume = async (_pv: unknown, capacity: string): Promise<ControllerExpansion> => ({
    capacity,
    nodeExpansionRequired: true,
  });
}
