"""NHN Adresseregister: one lookup interface (``AddressRegistry``), two clients, one cache.

``ArClient`` asks ICommunicationPartyService over SOAP (``soap.py``); ``RestClient`` asks the
CommunicationParty REST API with HelseID and DPoP (``rest.py``, contract in
``schemas/nhn/adresseregister-rest.yaml``). ``CachedRegistry`` (``cache.py``) keeps answers for a TTL
in a ``CacheStore`` (the gateway's database, or memory) and serves them while the register is down.
``build_registry`` (``build.py``) makes the one ``RegisterSettings`` chooses.
"""

from samband.integrations.adresseregister.build import build_client, build_registry
from samband.integrations.adresseregister.cache import CachedRegistry, CacheStore, MemoryCache
from samband.integrations.adresseregister.lookup import AddressRegistry
from samband.integrations.adresseregister.rest import RestClient
from samband.integrations.adresseregister.settings import RegisterSettings
from samband.integrations.adresseregister.soap import ArClient

__all__ = [
    "AddressRegistry",
    "ArClient",
    "CacheStore",
    "CachedRegistry",
    "MemoryCache",
    "RegisterSettings",
    "RestClient",
    "build_client",
    "build_registry",
]
