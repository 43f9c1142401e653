import { expect } from 'chai';
import {
  bindSpec,
  containerAttempt,
  containerLabels,
  containerName,
  ImageNotPresentError,
  isImageNotPresent,
  isRuntimeUnavailable,
  RuntimeUnavailableError,
} from '../../../../pkg/kubelet/runtime/interface';

const id = {
  podUid: '0a1b2c3d-4e5f-6789-abcd-ef0123456789',
  podNamespace: 'default',
  podName: 'web',
  containerName: 'app',
  attempt: 2,
};

describe('runtime: naming, labels and binds', () => {
  it('names containers k8s_<container>_<pod>_<ns>_<uid8>_<attempt>', () => {
    expect(containerName(id)).to.equal('k8s_app_web_default_0a1b2c3d_2');
  });

  it('labels carry the pod identity and the attempt, which reads back', () => {
    const labels = containerLabels(id);
    expect(labels).to.deep.equal({
      'io.kubernetes.pod.uid': id.podUid,
      'io.kubernetes.pod.namespace': 'default',
      'io.kubernetes.pod.name': 'web',
      'io.kubernetes.container.name': 'app',
      'io.kubestore.container.attempt': '2',
    });
    expect(containerAttempt({ labels })).to.equal(2);
    expect(containerAttempt({ labels: {} })).to.equal(0);
    expect(containerAttempt({ labels: { 'io.kubestore.container.attempt': 'x' } })).to.equal(0);
  });

  it('builds binds and refuses relative paths or colons', () => {
    expect(bindSpec('/data/pv1', '/data')).to.equal('/data/pv1:/data');
    expect(bindSpec('/data/pv1', '/data', true)).to.equal('/data/pv1:/data:ro');
    expect(() => bindSpec('data', '/data')).to.throw(/absolute/);
    expect(() => bindSpec('/a:b', '/data')).to.throw(/":"/);
  });

  it('errors carry waiting reasons and predicates', () => {
    const img = new ImageNotPresentError('nope:1');
    expect(img.reason).to.equal('ErrImageNeverPull');
    expect(img.message).to.contain('nope:1');
    expect(isImageNotPresent(img)).to.equal(true);
    const down = new RuntimeUnavailableError('unix:///x.sock', new Error('connect ENOENT /x.sock'));
    expect(isRuntimeUnavailable(down)).to.equal(true);
    expect(isRuntimeUnavailable(img)).to.equal(false);
    expect(down.message).to.contain('unix:///x.sock').and.contain('ENOENT');
  });
});
