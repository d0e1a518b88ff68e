"""Samband: an interoperability gateway for Norwegian municipal health and care.

One import namespace: ``samband.kernel`` (bottom) ← ``samband.adapters`` ← ``samband.mappings`` ←
``samband.gateway`` (spine, service) and friends; ``docs/architecture.md`` draws the layers.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("samband")
except PackageNotFoundError:  # a source checkout that was never installed
    __version__ = "0+unknown"
