import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { jest } from '@jest/globals';
import { check, Diagnoses, type DoctorChecks, fail, ok, warn } from './doctor-check.js';
import { DoctorModule } from './doctor.module.js';
import { CHECK_TIMEOUT_MS, DoctorService, formatFinding } from './doctor.service.js';

@Injectable()
@Diagnoses()
class FirstCapabilityDoctor implements DoctorChecks {
  checks() {
    return [
      check('first.ok', async () => ok('fine')),
      check('first.write', async () => fail('cannot write', 'grant the role', 'SOME_NAME'), { atBoot: false }),
    ];
  }
}

@Injectable()
@Diagnoses()
class SecondCapabilityDoctor implements DoctorChecks {
  hang = false;
  checks() {
    return [
      check('second.throws', async () => {
        throw new Error('boom');
      }),
      check('second.hangs', () => (this.hang ? new Promise(() => undefined) : Promise.resolve(warn('slow', 'look', 'X')))),
    ];
  }
}

/** A provider that is no doctor: not asked. */
@Injectable()
class Bystander {
  checks() {
    throw new Error('not a doctor');
  }
}

@Module({ providers: [FirstCapabilityDoctor, SecondCapabilityDoctor, Bystander] })
class CapabilitiesModule {}

describe('DoctorService', () => {
  const build = async () => (await Test.createTestingModule({ imports: [DoctorModule, CapabilitiesModule] }).compile()).get(DoctorService);

  it("runs every check the process's capabilities contribute; a throwing check is that check's failure", async () => {
    const findings = await (await build()).run();
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['first.ok', 'ok'],
      ['first.write', 'fail'],
      ['second.throws', 'fail'],
      ['second.hangs', 'warn'],
    ]);
    expect(findings[2]!.found).toMatch(/the check itself failed: boom/);
  });

  it('a check that hangs fails after the timeout; the others still report', async () => {
    jest.useFakeTimers();
    try {
      const module = await Test.createTestingModule({ imports: [DoctorModule, CapabilitiesModule] }).compile();
      module.get(SecondCapabilityDoctor).hang = true;
      const running = module.get(DoctorService).run();
      await jest.advanceTimersByTimeAsync(CHECK_TIMEOUT_MS);
      const findings = await running;
      expect(findings.find((f) => f.check === 'second.hangs')).toMatchObject({ status: 'fail', found: `no answer within ${CHECK_TIMEOUT_MS / 1000} s` });
      expect(findings.find((f) => f.check === 'first.ok')).toMatchObject({ status: 'ok' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('at boot: only the boot checks, each failure one warn line with its fix and variable', async () => {
    const doctor = await build();
    const warned: string[] = [];
    jest.spyOn((doctor as unknown as { logger: { warn: (m: string) => void } }).logger, 'warn').mockImplementation((m) => void warned.push(m));
    const findings = await doctor.warnAtBoot();
    expect(findings.map((f) => f.check)).not.toContain('first.write');
    expect(warned).toEqual(['second.throws failed: the check itself failed: boom. Fix: report this; the check should have said what it found', '1 of 3 start-up checks failed; npm run doctor runs every check']);
  });

  it('formats one line per finding: status, name, what was found, and for a problem its fix and variable', () => {
    expect(formatFinding({ check: 'queue', status: 'ok', found: 'exists', fix: 'unused', variable: 'UNUSED' }, 8)).toBe('ok    queue     exists');
    expect(formatFinding({ check: 'queue', status: 'fail', found: 'missing', fix: 'create it', variable: 'STORAGE_QUEUE_NAME' })).toBe(
      'FAIL  queue  missing | fix: create it | variable: STORAGE_QUEUE_NAME',
    );
    expect(formatFinding({ check: 'idp.clock', status: 'warn', found: 'skewed' })).toBe('WARN  idp.clock  skewed');
  });
});
