// What every route factory receives besides the engine's ControllerDeps.
import type { Logger } from '../../core/logger.js';
import type { StreamRegistry } from '../stream.js';

export interface RouteContext {
  readonly streams: StreamRegistry;
  readonly logger: Logger;
}
