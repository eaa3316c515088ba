// The PyPI stand-in playing pypi.org and files.pythonhosted.org over TLS, for the interception
// tests: its certificates come from a test CA of its own (only those two names), which the
// daemon is told to trust through the test-only upstream CA; clients never see it.
import { JobCa } from '../../src/proxy/intercept/job-ca.js';
import { FakePypi, type FakePypiOptions } from './fake-pypi.js';

export const PYPI_HOSTS = ['pypi.org', 'files.pythonhosted.org'];

export async function fakePypiOverTls(
  options: Omit<FakePypiOptions, 'tls' | 'publicFilesOrigin'>,
): Promise<{ pypi: FakePypi; testCa: JobCa }> {
  const testCa = await JobCa.create({ hosts: PYPI_HOSTS });
  const leaf = async (host: string) => {
    const { certPem, keyPem } = await testCa.leafFor(host);
    return { cert: certPem, key: keyPem };
  };
  const pypi = new FakePypi({
    ...options,
    tls: { index: await leaf('pypi.org'), files: await leaf('files.pythonhosted.org') },
    publicFilesOrigin: 'https://files.pythonhosted.org',
  });
  return { pypi, testCa };
}
