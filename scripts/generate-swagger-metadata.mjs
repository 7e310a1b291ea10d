// Writes src/metadata.ts: what the @nestjs/swagger CLI plugin reads from the DTOs (types, optional
// fields, class-validator rules, JSDoc comments). The app loads it with
// SwaggerModule.loadPluginMetadata, so the built server and the tests describe the API the same way.
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
// the generator type-checks the sources, the old metadata.ts among them: one naming a moved file would stop it
rmSync(join(root, 'src/metadata.ts'), { force: true });
new PluginMetadataGenerator().generate({
  visitors: [
    new ReadonlyVisitor({
      introspectComments: true,
      classValidatorShim: true,
      pathToSource: join(root, 'src'),
      dtoFileNameSuffix: ['.dto.ts'],
      controllerFileNameSuffix: ['.controller.ts'],
    }),
  ],
  outputDir: join(root, 'src'),
  filename: 'metadata.ts',
  watch: false,
  tsconfigPath: 'tsconfig.build.json',
  printDiagnostics: false,
});
