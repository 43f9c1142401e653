import { expect } from 'chai';
import { isStorageError, StorageErrorCode } from '../../../../pkg/storage/errors';
import { compareKeys } from '../../../../pkg/storage/memory/history';
import { MemoryStore } from '../../../../pkg/storage/memory/store';
import { describeStorageContract } from '../../../helpers/storage_contract';

describeStorageContract('MemoryStore', async () => {
  const store = new MemoryStore();
  return { store, compact: (rev) => store.compact(rev), cleanup: () => store.close() };
});

describe('MemoryStore specifics', () => {
  it('orders keys by UTF-8 bytes, as etcd does', () => {
    const keys = ['/r/\u{1F600}', '/r/\uFF21', '/r/b', '/r/B', '/r/é'];
    const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...keys].sort(compareKeys)).to.deep.equal(byBytes);
  });

  it('starts at revision 1 and fails reads past the newest revision, like etcd', async () => {
    const store = new MemoryStore();
    expect(await store.currentRevision()).to.equal(1);
    const err = await store.checkRevision(5).catch((e: unknown) => e);
    expect(isStorageError(err, StorageErrorCode.Unreachable)).to.equal(true);
  });

  it('after close, watches stop and calls fail with Unreachable', async () => {
    const store = new MemoryStore();
    const events: string[] = [];
    await store.watch('/r/', 0, { onEvent: (ev) => events.push(ev.key), onError: () => undefined });
    await store.create('/r/a', { metadata: { name: 'a' } });
    await store.close();
    const err = await store.get('/r/a').catch((e: unknown) => e);
    expect(isStorageError(err, StorageErrorCode.Unreachable)).to.equal(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events, 'the queued event is not delivered after close').to.deep.equal([]);
  });
});
