"""The gateway: the spine (stages), routing, delivery, the store; the service (api, cli, app) on top."""
