import { Module } from '@nestjs/common';
import { RightsController } from './rights.controller.js';

@Module({ controllers: [RightsController] })
export class RightsModule {}
