import { Right } from './right.js';

export class RightDescriptionDto {
  name: Right;
  description: string;
}
