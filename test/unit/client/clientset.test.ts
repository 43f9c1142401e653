/** The Clientset's list of namespaced clients is what the namespace controller empties: it must miss none. */
import { expect } from 'chai';
import { allResources } from '../../../pkg/api/resources';
import { Clientset } from '../../../pkg/client/clientset';

describe('client: Clientset', () => {
  it('namespacedResources() has a client for every namespaced resource the API serves, and no other', () => {
    const cs = new Clientset({ server: 'http://127.0.0.1:1' });
    try {
      const served = allResources.filter((r) => r.namespaced).map((r) => `${r.group}/${r.resource}`);
      expect(cs.namespacedResources().map((c) => `${c.info.group}/${c.info.resource}`)).to.have.members(served);
    } finally {
      cs.close();
    }
  });
});
