// The job repository contract on memory (the unit tests' fake) and on SQLite (serve's store).
import { DatabaseSync } from 'node:sqlite';
import { SqliteJobRepository } from '../../src/adapters/local/sqliteJobRepository.ts';
import { MemoryJobRepository } from '../../src/jobs/memoryJobRepository.ts';
import { jobRepositoryContract } from '../contracts/jobRepository.ts';

jobRepositoryContract('memory', async () => new MemoryJobRepository<string>());
jobRepositoryContract('sqlite', async () => new SqliteJobRepository<string>(new DatabaseSync(':memory:')));
