import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createTableClient } from '../azure/storage-clients.js';
import { probeStorage } from '../azure/storage-checks.js';
import { isTableNotFound } from '../azure/storage-failure.js';
import { check, Diagnoses, type DoctorCheck, type DoctorChecks } from '../doctor/doctor-check.js';
import { CodeTableConfig } from './code-table.config.js';
import { codeTableResource } from './table-storage.js';

/**
 * The code table exists, and the app's identity can write it: a probe row inserted and deleted in
 * a partition no code can have (`~doctor`). The same client builder and credential as getcode.
 */
@Injectable()
@Diagnoses()
export class CodeTableDoctor implements DoctorChecks {
  constructor(private readonly config: CodeTableConfig) {}

  checks(): DoctorCheck[] {
    const resource = codeTableResource(this.config.tableName);
    const connection = this.config.tableEndpoint ? 'STORAGE_TABLE_URL' : 'AZURE_STORAGE_CONNECTION_STRING';
    const client = () => createTableClient(this.config, this.config.tableName);
    return [
      check('code-table', () =>
        probeStorage(
          resource,
          async () => {
            // A point read of a key that never exists: ResourceNotFound proves the table is there, TableNotFound does not.
            await client()
              .getEntity('~doctor', 'none')
              .catch((error: unknown) => {
                if ((error as { statusCode?: number }).statusCode === 404 && !isTableNotFound(error)) return;
                throw error;
              });
            return `table "${resource.name}" exists`;
          },
          connection,
        ),
      ),
      check(
        'code-table.write',
        () =>
          probeStorage(
            resource,
            async () => {
              const table = client();
              const rowKey = randomBytes(8).toString('hex');
              await table.createEntity({ partitionKey: '~doctor', rowKey });
              await table.deleteEntity('~doctor', rowKey);
              return `a probe row was inserted into "${resource.name}" and deleted (it needs "${resource.role}")`;
            },
            connection,
          ),
        { atBoot: false },
      ),
    ];
  }
}
