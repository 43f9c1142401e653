import { Etcd3 } from 'etcd3';
import { EtcdStore } from '../../../pkg/storage/etcd/store';
import { etcdEndpoints, uniquePrefix } from '../../helpers/etcd';
import { describeStorageContract } from '../../helpers/storage_contract';

describeStorageContract('EtcdStore', async () => {
  const endpoints = etcdEndpoints();
  const store = new EtcdStore({ endpoints });
  const prefix = uniquePrefix();
  return {
    store,
    prefix,
    compact: (rev) => store.compact(rev),
    cleanup: async () => {
      await store.close();
      const client = new Etcd3({ hosts: endpoints });
      try {
        await client.delete().prefix(`${prefix}/`);
      } finally {
        client.close();
      }
    },
  };
});
