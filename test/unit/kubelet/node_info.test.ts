import { expect } from 'chai';
import { machineInfo, prettyName } from '../../../pkg/kubelet/node_info';

describe('kubelet node info', () => {
  it('reads PRETTY_NAME from os-release as os-release(5) writes it', () => {
    const rows: [string | undefined, string | undefined][] = [
      ['NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n', 'Debian GNU/Linux 12 (bookworm)'],
      ["PRETTY_NAME='Alpine Linux v3.20'", 'Alpine Linux v3.20'],
      ['PRETTY_NAME=Plain', 'Plain'],
      ['PRETTY_NAME="with \\"quotes\\""', 'with "quotes"'],
      ['NAME=x', undefined],
      ['PRETTY_NAME=""', undefined],
      [undefined, undefined],
    ];
    for (const [text, want] of rows) expect(prettyName(text), String(text)).to.equal(want);
  });

  it('fills osImage, machineID, bootID and systemUUID from the host files, empty when unreadable', () => {
    const files: Record<string, string> = {
      '/etc/os-release': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
      '/etc/machine-id': 'abc123\n',
      '/proc/sys/kernel/random/boot_id': 'b00t\n',
    };
    const info = machineInfo((f) => files[f]);
    expect(info).to.include({
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      machineID: 'abc123',
      bootID: 'b00t',
      systemUUID: '',
    });
    expect(info.kernelVersion).to.be.a('string').and.not.equal('');
    expect(machineInfo(() => undefined)).to.include({ osImage: 'Linux', machineID: '' });
  });
});
