// The PyPI stand-in playing pypi.org and files.pythonhosted.org over TLS, for the interception
// tests: its certificates come from a test CA of its own (only those two names), which the
// daemon is told to trust through the test-only upstream CA; clients never see it. `hosts` plays
// another index instead (a mirror on one host of its own, with `pathPrefix`).
import { JobCa } from '../../src/proxy/intercept/job-ca.js';
import { FakePypi, type FakePypiOptions } from './fake-pypi.js';

export const PYPI_HOSTS = ['pypi.org', 'files.pythonhosted.org'];

export async function fakePypiOverTls(
  options: Omit<FakePypiOptions, 'tls' | 'publicFilesOrigin'>,
  hosts: { index: string; files: string } = { index: 'pypi.org', files: 'files.pythonhosted.org' },
): Promise<{ pypi: FakePypi; testCa: JobCa }> {
  const testCa = await JobCa.create({ hosts: [...new Set([hosts.index, hosts.files])] });
  const leaf = async (host: string) => {
    const { certPem, keyPem } = await testCa.leafFor(host);
    return { cert: certPem, key: keyPem };
  };
  const pypi = new FakePypi({
    ...options,
    tls: { index: await leaf(hosts.index), files: await leaf(hosts.files) },
    publicFilesOrigin: `https://${hosts.files}`,
  });
  return { pypi, testCa };
}
