import { openApiDocument } from '../openapi/document'

/** The OpenAPI 3.1 document (public, like the docs page that reads it). */
export default defineEventHandler(() => openApiDocument())
