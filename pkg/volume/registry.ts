/**
 * The one registry of volume drivers. The controller-manager and the kubelet each build it from
 * the same list (drivers.ts; tests may add their own drivers) and ask it which driver a PV, a
 * StorageClass or a provisioner name belongs to. Nothing else decides what a storage type is.
 */
import type { PersistentVolume } from '../api/core/v1';
import type { StorageClass } from '../api/storage/v1';
import type { DeepReadonly } from '../util/immutable/deep_readonly';
import { jsonClone } from '../util/json/clone';
import type { VolumeDriver } from './driver';
import { VolumeSetupError } from './errors';
import { pvName } from './node_service';

/** Finds drivers; see the file comment. */
export class VolumeDriverRegistry {
  private readonly drivers: readonly VolumeDriver[];

  /** Throws when two drivers share a type, provisioner, plugin name or default class name. */
  constructor(drivers: readonly VolumeDriver[]) {
    const names = {
      type: (d: VolumeDriver) => d.identity.type,
      provisioner: (d: VolumeDriver) => d.identity.provisioner,
      pluginName: (d: VolumeDriver) => d.identity.pluginName,
      'default class': (d: VolumeDriver) => d.defaultClass?.metadata.name,
    };
    for (const [key, nameOf] of Object.entries(names)) {
      const seen = new Set<string>();
      for (const d of drivers) {
        const v = nameOf(d);
        if (v === undefined) continue;
        if (seen.has(v)) throw new Error(`volume driver ${key} "${v}" registered twice`);
        seen.add(v);
      }
    }
    this.drivers = [...drivers];
  }

  /** Every driver, in registration order. */
  list(): readonly VolumeDriver[] {
    return this.drivers;
  }

  /** The driver StorageClasses name with `provisioner`, if registered. */
  byProvisioner(provisioner: string): VolumeDriver | undefined {
    return this.drivers.find((d) => d.identity.provisioner === provisioner);
  }

  /** The one driver handling `pv`'s source; undefined when none does (or, ambiguously, several). */
  forVolume(pv: DeepReadonly<PersistentVolume>): VolumeDriver | undefined {
    const matches = this.handling(pv);
    return matches.length === 1 ? matches[0] : undefined;
  }

  private handling(pv: DeepReadonly<PersistentVolume>): VolumeDriver[] {
    return this.drivers.filter((d) => d.handles(pv));
  }

  /** `forVolume`, for the node: a VolumeSetupError saying why when there is no single driver. */
  nodeDriverFor(pv: PersistentVolume): VolumeDriver {
    const matches = this.handling(pv);
    const [only] = matches;
    if (only && matches.length === 1) return only;
    if (matches.length === 0) {
      const drivers = this.drivers.map((d) => d.identity.type).join(', ');
      const csi = pv.spec.csi;
      throw new VolumeSetupError(
        csi
          ? `no volume plugin supports PersistentVolume "${pvName(pv)}": its csi driver ${JSON.stringify(csi.driver)} is not one of this kubelet's drivers (${drivers})`
          : `no volume plugin supports PersistentVolume "${pvName(pv)}": its source is not one of this kubelet's drivers (${drivers})`,
      );
    }
    throw new VolumeSetupError(
      `PersistentVolume "${pvName(pv)}" matches several volume plugins (${matches.map((d) => d.identity.pluginName).join(', ')}); it must have exactly one source`,
    );
  }

  /**
   * The driver a claim's class provisions with: the class's provisioner when the class exists,
   * else the driver whose default class has that name (it works before its object is created).
   */
  forClass(className: string, sc: DeepReadonly<StorageClass> | undefined): VolumeDriver | undefined {
    if (sc) return this.byProvisioner(sc.provisioner);
    return this.drivers.find((d) => d.defaultClass?.metadata.name === className);
  }

  /** The default classes the drivers bring (copies the caller may change). */
  defaultClasses(): StorageClass[] {
    return this.drivers.flatMap((d) => (d.defaultClass ? [jsonClone(d.defaultClass) as StorageClass] : []));
  }

  /** Each driver's service made once by `make` (a binary's half of every driver), looked up by driver. */
  services<S>(make: (d: VolumeDriver) => S): (d: VolumeDriver) => S {
    const made = new Map(this.drivers.map((d) => [d, make(d)] as const));
    return (d) => {
      const s = made.get(d);
      if (s === undefined) throw new Error(`volume driver "${d.identity.type}" is not registered`);
      return s;
    };
  }
}
