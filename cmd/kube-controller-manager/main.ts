/** kube-controller-manager: parse flags → validate → run(config, signal). */
import { type ClientConfig, configFromFlags } from '../../pkg/client/config';
import { defaultProvisioningRecordDir } from '../../pkg/controller/manager/config';
import { recordDirProblem, run, selectControllers } from '../../pkg/controller/manager/controller_manager';
import { hostPathProblem } from '../../pkg/util/fsroots/roots';
import { FlagError, isPort, runMain } from '../../pkg/flags/flags';
import { checkLoggingFormat, LoggingFormat, newLogger } from '../../pkg/log/logger';
import { driverFlags, driversFromFlags } from '../../pkg/volume/drivers';

const env = process.env;

runMain(
  'kube-controller-manager',
  {
    kubeconfig: { type: 'string', default: '', help: 'Path to a kubeconfig naming the apiserver.' },
    master: { type: 'string', default: '', help: 'The apiserver URL (overrides nothing when --kubeconfig is given).' },
    controllers: {
      type: 'string',
      default: '*',
      help: 'Controllers to run: * for all, names to pick, -name to disable (persistentvolume-binder, pvc-protection, pv-protection, scheduler, namespace).',
      check: (v) => {
        try {
          selectControllers(String(v));
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
    },
    'leader-elect': {
      type: 'bool',
      default: true,
      help: 'Run only while holding the kube-system/kube-controller-manager Lease.',
    },
    'leader-elect-lease-duration': { type: 'duration', default: 15_000, help: 'Lease duration.' },
    'leader-elect-renew-deadline': { type: 'duration', default: 10_000, help: 'Renew deadline.' },
    'leader-elect-retry-period': { type: 'duration', default: 2_000, help: 'Retry period.' },
    'concurrent-workers': {
      type: 'int',
      default: 4,
      help: 'Workers per controller.',
      check: (v) => (Number(v) >= 1 ? undefined : 'must be at least 1'),
    },
    'kube-api-qps': { type: 'int', default: 500, help: 'Client-side request rate limit (0 = unlimited).' },
    'kube-api-burst': { type: 'int', default: 1000, help: 'Client-side request burst.' },
    ...driverFlags('kube-controller-manager', env),
    'provisioning-record-dir': {
      type: 'string',
      default: defaultProvisioningRecordDir,
      help: "Directory of the PV controller's own provisioning records (what it created; reclaim deletes nothing without one). Must not be inside a volume root.",
    },
    'bind-address': { type: 'string', default: '127.0.0.1', help: 'Address of /healthz and /metrics.' },
    port: { type: 'int', default: 10257, help: 'Port of /healthz and /metrics (0 = any).', check: isPort },
    v: { type: 'int', default: 0, help: 'Log verbosity.' },
    'logging-format': {
      type: 'string',
      default: LoggingFormat.JSON,
      help: 'Log format: json (one pino JSON object per line) or text (klog-like lines).',
      check: checkLoggingFormat,
    },
  },
  async (f, signal) => {
    const drivers = driversFromFlags('kube-controller-manager', f, env);
    let client: ClientConfig;
    try {
      client = configFromFlags(String(f.kubeconfig), String(f.master));
    } catch (err) {
      throw new FlagError((err as Error).message);
    }
    const recordDir = String(f['provisioning-record-dir']);
    const recordProblem = hostPathProblem(recordDir) ?? recordDirProblem(recordDir, drivers.roots);
    if (recordProblem) throw new FlagError(`--provisioning-record-dir ${recordProblem}`);
    await run(
      {
        client: { ...client, qps: Number(f['kube-api-qps']), burst: Number(f['kube-api-burst']) },
        controllers: String(f.controllers),
        leaderElect: Boolean(f['leader-elect']),
        leaseDurationMs: Number(f['leader-elect-lease-duration']),
        renewDeadlineMs: Number(f['leader-elect-renew-deadline']),
        retryPeriodMs: Number(f['leader-elect-retry-period']),
        workers: Number(f['concurrent-workers']),
        provisioningRecordDir: String(f['provisioning-record-dir']),
        drivers: drivers.registry,
        bindAddress: String(f['bind-address']),
        port: Number(f.port),
        logger: newLogger(
          'kube-controller-manager',
          Number(f.v),
          f['logging-format'] === LoggingFormat.Text ? LoggingFormat.Text : LoggingFormat.JSON,
        ),
      },
      signal,
    );
  },
);
