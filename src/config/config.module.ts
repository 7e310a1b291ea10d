import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AppConfig } from './app-config.js';
import { resolveSecrets, type ServerSecrets } from './secrets.js';

export const SERVER_SECRETS = Symbol('SERVER_SECRETS');
export type { ServerSecrets };

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: SERVER_SECRETS, useFactory: () => resolveSecrets(config) },
      ],
      exports: [AppConfig, SERVER_SECRETS],
    };
  }
}
