import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import type { AccessPolicy } from './access-policy.js';
import { RightsCatalog } from './rights-catalog.js';
import { RightsController } from './rights.controller.js';

export const ACCESS_POLICY = Symbol('ACCESS_POLICY');

/** The rights catalog and the access policy it was built from, for every module to ask. */
@Global()
@Module({})
export class RightsModule {
  static forRoot(policy: AccessPolicy, file?: string): DynamicModule {
    const logger = new Logger('AccessPolicy');
    if (file) logger.log(`${file}: ${policy.rights.length} rights, ${policy.groups.size} groups, ${policy.routes.length} routes`);
    else logger.log("No ACCESS_POLICY_FILE: keygate's own rights only; every forward-auth request is denied");
    return {
      module: RightsModule,
      controllers: [RightsController],
      providers: [
        { provide: ACCESS_POLICY, useValue: policy },
        { provide: RightsCatalog, useValue: new RightsCatalog(policy) },
      ],
      exports: [ACCESS_POLICY, RightsCatalog],
    };
  }
}
