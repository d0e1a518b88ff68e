"""The operator web console's static files (``static/``), served by ``gateway.api.console``."""
