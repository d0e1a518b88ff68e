"""PLO (pleie- og omsorgsmeldinger, HIS 80704) 1.5, 1.6 and 2.0: typed models, tolerant reader, strict writer.

``parse_plo`` reads a payload root or a whole Hodemelding; ``serialize_plo`` writes the typed fields
back into the document and checks the official XSD; ``validate_plo`` gives the rules beyond the XSD.
"""

from samband.adapters.plo.adapter import PLO_PAYLOADS, PloPayload
from samband.adapters.plo.build import (
    ansvar,
    build_helseopplysninger_lege,
    build_logistikk,
    build_medisinske_opplysninger,
    build_orientering_tjenestetilbud,
    code,
    diagnose,
    forsendelse,
    hendelse,
    journalnotat,
    legemiddel,
    new_message,
    tjeneste,
)
from samband.adapters.plo.message import (
    Logistikk,
    OpplysningOpphold,
    PloMessage,
    TidsfestetHendelse,
    UtskrevetTil,
)
from samband.adapters.plo.nodes import Code, Quantity, without_source
from samband.adapters.plo.parse import locate_payload, parse_plo
from samband.adapters.plo.serialize import serialize_plo, serialize_plo_bytes, to_document
from samband.adapters.plo.validate import validate_plo

__all__ = [
    "PLO_PAYLOADS",
    "Code",
    "Logistikk",
    "OpplysningOpphold",
    "PloMessage",
    "PloPayload",
    "Quantity",
    "TidsfestetHendelse",
    "UtskrevetTil",
    "ansvar",
    "build_helseopplysninger_lege",
    "build_logistikk",
    "build_medisinske_opplysninger",
    "build_orientering_tjenestetilbud",
    "code",
    "diagnose",
    "forsendelse",
    "hendelse",
    "journalnotat",
    "legemiddel",
    "locate_payload",
    "new_message",
    "parse_plo",
    "serialize_plo",
    "serialize_plo_bytes",
    "tjeneste",
    "to_document",
    "validate_plo",
    "without_source",
]
