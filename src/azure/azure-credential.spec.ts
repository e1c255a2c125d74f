import { azureCredential } from './azure-credential.js';

describe('azureCredential', () => {
  it('is built once per process and shared by every client', () => {
    expect(azureCredential()).toBe(azureCredential());
  });
});
