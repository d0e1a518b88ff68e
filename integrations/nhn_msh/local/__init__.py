"""A local NHN message service (Meldingstjener API v2 with its own HelseID) for tests and for trying
flows on one machine (``samband dev nhn-msh``); checks every request against NHN's definition."""

from samband.integrations.nhn_msh.local.server import LocalMeldingstjener, running_meldingstjener

__all__ = ["LocalMeldingstjener", "running_meldingstjener"]
