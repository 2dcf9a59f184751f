export { buildConnectorSwagger, connectorDefinitions } from './connector';
export { buildOpenApi3, templateParameters } from './openApi3';
export { openApi3Schema, swagger2Schema, withoutExtensions } from './jsonSchema';
