import type { components } from '../openapi/keygate.js';

/** keygate's request and response bodies, generated from its OpenAPI document (`npm run openapi`). */
export type Schemas = components['schemas'];
