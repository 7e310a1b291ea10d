import { Global, Inject, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import type { AccessPolicy } from './access-policy.js';
import { RightsCatalog } from './rights-catalog.js';
import { RightsController } from './rights.controller.js';

export const ACCESS_POLICY = Symbol('ACCESS_POLICY');
const ACCESS_POLICY_FILE = Symbol('ACCESS_POLICY_FILE');

/** The rights catalog and the access policy it was built from, for every module to ask. */
@Global()
@Module({})
export class RightsModule implements OnModuleInit {
  constructor(
    @Inject(ACCESS_POLICY) private readonly policy: AccessPolicy,
    @Inject(ACCESS_POLICY_FILE) private readonly file: string | undefined,
  ) {}

  static forRoot(policy: AccessPolicy, file?: string): DynamicModule {
    return {
      module: RightsModule,
      controllers: [RightsController],
      providers: [
        { provide: ACCESS_POLICY, useValue: policy },
        { provide: ACCESS_POLICY_FILE, useValue: file },
        { provide: RightsCatalog, useValue: new RightsCatalog(policy) },
      ],
      exports: [ACCESS_POLICY, RightsCatalog],
    };
  }

  /** Says at start which policy the server runs with (logged once the app's logger is in place). */
  onModuleInit(): void {
    const logger = new Logger('AccessPolicy');
    const { rights, groups, routes } = this.policy;
    if (this.file) logger.log(`${this.file}: ${rights.length} rights, ${groups.size} groups, ${routes.length} routes`);
    else logger.log("No ACCESS_POLICY_FILE: keygate's own rights only; every forward-auth request is denied");
  }
}
