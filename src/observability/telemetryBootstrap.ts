/**
 * Imported FIRST by every function entry (`functions/*.ts`): telemetry must hook `node:http` and the Azure SDK before
 * they are loaded. The module cache makes it run once, whichever entry the worker loads first.
 */
import { startTelemetry } from './telemetry';

startTelemetry();
