import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { classifyFailure, EtcdMembers, parseEtcdServers } from '../../../../pkg/storage/etcd/members';

describe('unit: etcd member failover', () => {
  describe('classifyFailure', () => {
    const cases: [string, ReturnType<typeof classifyFailure>][] = [
      ['14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:2379', 'unsent'],
      ['etcdserver: no leader', 'unsent'],
      ['raft proposal dropped', 'unsent'],
      ['14 UNAVAILABLE: Connection dropped', 'unavailable'],
      ['4 DEADLINE_EXCEEDED: Deadline exceeded after 4.999s', 'unavailable'],
      ['etcdserver: request timed out', 'unavailable'],
      ['etcdserver: leader changed', 'unavailable'],
      ['etcdserver: mvcc: required revision has been compacted', 'other'],
      ['etcdserver: mvcc: required revision is a future revision', 'other'],
    ];
    for (const [msg, want] of cases)
      it(`${want}: ${msg}`, () => {
        expect(classifyFailure(new Error(msg))).to.equal(want);
      });
  });

  describe('parseEtcdServers', () => {
    it('keeps http(s) URLs and host:port entries, trimmed, in order', () => {
      expect(parseEtcdServers([' http://127.0.0.1:2379', 'https://etcd-1:2379/', '10.0.0.3:2379'])).to.deep.equal([
        'http://127.0.0.1:2379',
        'https://etcd-1:2379',
        '10.0.0.3:2379',
      ]);
    });
    const bad: [string[], RegExp][] = [
      [[], /no etcd servers/],
      [['http://127.0.0.1:2379', ''], /entry 2 is empty/],
      [['http://127.0.0.1:2379', 'garbage'], /"garbage" is not/],
      [['ftp://127.0.0.1:2379'], /"ftp:\/\/127.0.0.1:2379" is not/],
      [['http://127.0.0.1:2379', '127.0.0.1:2379'], /lists 127.0.0.1:2379 twice/],
      [['http://127.0.0.1:2379/v3'], /is not/],
    ];
    for (const [list, err] of bad)
      it(`rejects ${JSON.stringify(list)} with a clear error`, () => {
        expect(() => parseEtcdServers(list)).to.throw(err);
      });
    it('the member set refuses a list with an empty entry (a trailing comma) instead of failing every call', () => {
      expect(() => new EtcdMembers({ endpoints: ['127.0.0.1:1', ''] })).to.throw(/empty/);
    });
  });

  describe('run', () => {
    // Three members on ports nothing listens on; `run` is given a fake call per member.
    const members = () => new EtcdMembers({ endpoints: ['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3'] });
    const refused = new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED');
    const dropped = new Error('14 UNAVAILABLE: Connection dropped');

    it('a write that never reached a member is tried on the next one', async () => {
      const m = members();
      const tried: Etcd3[] = [];
      const r = await m.run('write', Date.now() + 1000, async (c) => {
        tried.push(c);
        if (tried.length < 3) throw refused;
        return 'ok';
      });
      expect(r).to.equal('ok');
      expect(new Set(tried).size, 'three different members').to.equal(3);
      m.close();
    });

    it('an ambiguous write fails at once (503), and the next call prefers another member', async () => {
      const m = members();
      const tried: Etcd3[] = [];
      const err = await m
        .run('write', Date.now() + 1000, async (c) => {
          tried.push(c);
          throw dropped;
        })
        .catch((e: unknown) => e);
      expect(err).to.equal(dropped);
      expect(tried).to.have.length(1);
      const next = await m.run('read', Date.now() + 1000, async (c) => c);
      expect(next).to.not.equal(tried[0]);
      m.close();
    });

    it('an ambiguous read is retried on another member; other errors are returned at once', async () => {
      const m = members();
      let calls = 0;
      const r = await m.run('read', Date.now() + 1000, async () => {
        if (++calls === 1) throw dropped;
        return calls;
      });
      expect(r).to.equal(2);
      const compacted = new Error('etcdserver: mvcc: required revision has been compacted');
      calls = 0;
      const err = await m
        .run('read', Date.now() + 1000, async () => {
          calls++;
          throw compacted;
        })
        .catch((e: unknown) => e);
      expect(err).to.equal(compacted);
      expect(calls).to.equal(1);
      m.close();
    });

    it('a read answered "leader changed" is asked again on that member, not on the next (maybe the hung old leader); once per call', async () => {
      const m = members();
      const hung = new Error('4 DEADLINE_EXCEEDED: Deadline exceeded after 1.000s');
      const changed = new Error('14 UNAVAILABLE: etcdserver: leader changed');
      const order: Etcd3[] = [];
      const tried: number[] = [];
      const at = (c: Etcd3) => {
        if (!order.includes(c)) order.push(c);
        return order.indexOf(c);
      };
      // Member 0 hangs (the old leader); member 1 has just learnt the new leader; member 2 is slow.
      const r = await m.run('read', Date.now() + 5000, async (c) => {
        const i = at(c);
        tried.push(i);
        if (i === 0 || i === 2) throw hung;
        if (tried.filter((t) => t === 1).length === 1) throw changed;
        return 'ok';
      });
      expect(r).to.equal('ok');
      expect(tried, 'members asked, in order').to.deep.equal([0, 1, 1]);
      // A member that keeps answering "leader changed" is left after the second time.
      tried.length = 0;
      const err = await m
        .run('read', Date.now() + 300, async (c) => {
          tried.push(at(c));
          throw changed;
        })
        .catch((e: unknown) => e);
      expect(err).to.equal(changed);
      expect(tried.slice(0, 3), 'asked twice, then the next member').to.deep.equal([1, 1, 2]);
      // A write that got "leader changed" may have been applied: it fails at once (503).
      tried.length = 0;
      const werr = await m
        .run('write', Date.now() + 1000, async (c) => {
          tried.push(at(c));
          throw changed;
        })
        .catch((e: unknown) => e);
      expect(werr).to.equal(changed);
      expect(tried).to.have.length(1);
      m.close();
    });

    it('gives up with the last error at the deadline when no member answers', async () => {
      const m = members();
      const started = Date.now();
      const err = await m
        .run('read', Date.now() + 300, async () => {
          throw refused;
        })
        .catch((e: unknown) => e);
      expect(err).to.equal(refused);
      expect(Date.now() - started).to.be.lessThan(2000);
      m.close();
    });
  });
});
