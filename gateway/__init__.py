"""The gateway: the spine (stages), routing, delivery and transports, the store; the service (api, cli, app) on top."""
