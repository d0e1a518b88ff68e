"""The gateway's own client of NHN's message service: the ``SAMBAND_NHN_*`` settings (``settings.py``)
and the inbound poller that receives for the gateway's HER-ids (``poller.py``); docs/nhn.md."""
