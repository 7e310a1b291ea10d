import 'reflect-metadata';
import { Controller, Get, Post, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { FastifyAdapter, RouteConfig, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Right } from '../rights/right.js';
import { Public, RequireRights, RequireUserRights } from '../rights/route-rights.decorator.js';
import { RouteAccessCheck } from './route-access-check.js';

@Controller('fine')
class FineController {
  @Get()
  @Public()
  open(): void {}

  @Get('mine')
  @RequireRights(Right.USER_INFO)
  mine(): void {}

  /** Not a route: needs no rule. */
  helper(): void {}
}

@Controller('users/:userId/things')
@RequireUserRights({ self: Right.USER_SETTINGS_API_KEYS, other: Right.USER_USERS_API_KEYS })
class ClassRuleController {
  @Get()
  list(): void {}

  @Post()
  @RouteConfig({ note: 'set below the rule: merged with it' })
  create(): void {}
}

@Controller('forgetful')
class ForgetfulController {
  @Get('ok')
  @Public()
  ok(): void {}

  @Get('forgotten')
  forgotten(): void {}
}

@Controller('overwritten')
class OverwrittenController {
  @RouteConfig({ note: 'set over the rule: replaces the config the hook reads' })
  @Get()
  @RequireRights(Right.USER_INFO)
  read(): void {}
}

@Controller('pointless')
class PointlessController {
  @Get()
  @RequireUserRights({ other: Right.USER_USERS_READ })
  read(): void {}
}

async function start(...controllers: Type[]): Promise<NestFastifyApplication> {
  const module = await Test.createTestingModule({ imports: [DiscoveryModule], controllers, providers: [RouteAccessCheck] }).compile();
  const app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  apps.push(app);
  await app.init();
  return app;
}

const apps: NestFastifyApplication[] = [];

describe('RouteAccessCheck', () => {
  afterEach(async () => {
    await Promise.allSettled(apps.splice(0).map((app) => app.close()));
  });

  it('lets an app start whose every route has a rule, on the method or its class', async () => {
    await expect(start(FineController, ClassRuleController)).resolves.toBeDefined();
  });

  it('stops the start naming a route without any rule', async () => {
    await expect(start(FineController, ForgetfulController)).rejects.toThrow(
      /GET \/forgetful\/forgotten \(ForgetfulController\.forgotten\) declares no access rule/,
    );
  });

  it('names only the routes at fault, all of them', async () => {
    const refused = await start(ForgetfulController, OverwrittenController, PointlessController, FineController).catch((e: Error) => e.message);
    expect(refused).toContain('ForgetfulController.forgotten');
    expect(refused).toMatch(/GET \/overwritten \(OverwrittenController\.read\) has the rule .* but its Fastify route config has undefined/);
    expect(refused).toContain('GET /pointless (PointlessController.read) has a rule on a user but no :userId in its path');
    expect(refused).not.toContain('ForgetfulController.ok');
    expect(refused).not.toContain('FineController');
  });
});
