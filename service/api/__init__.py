"""The HTTP API: one controller per resource, the request and response schemas, and the one
mapping of errors to JSON. The only package besides `service.app` that imports litestar."""
