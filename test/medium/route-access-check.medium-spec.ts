import { Controller, Get, Module } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../src/app.module.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { createTestDatabase, testEnv, type TestDatabase } from '../support/test-app.js';

@Controller('reports')
class ReportsController {
  @Get('daily')
  daily(): string {
    return 'anyone may read this, by mistake';
  }
}

@Module({ controllers: [ReportsController] })
class ReportsModule {}

/** The app's own modules refuse to start beside a route that says nothing about who may call it. */
describe('the start of the app checks every route for an access rule', () => {
  let database: TestDatabase;
  let config: AppConfig;

  beforeAll(async () => {
    database = await createTestDatabase();
    config = loadConfig(testEnv(database.env));
  });
  afterAll(() => database?.drop());

  async function init(...extra: Array<new () => unknown>): Promise<string | undefined> {
    const module = await Test.createTestingModule({ imports: [AppModule.forRoot(config), ...extra] }).compile();
    const app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    try {
      await app.init();
      return undefined;
    } catch (error) {
      return (error as Error).message;
    } finally {
      await app.close();
    }
  }

  it("starts with keygate's own routes", async () => {
    expect(await init()).toBeUndefined();
  });

  it('fails naming a route without @Public() or a rights decorator', async () => {
    expect(await init(ReportsModule)).toMatch(/GET \/reports\/daily \(ReportsController\.daily\) declares no access rule/);
  });
});
