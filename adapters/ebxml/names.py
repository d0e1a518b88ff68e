"""Namespaces and fixed values of ebMS 2.0 as profiled in Norway (HIS 1037, HITS 1171, HISD 1209).

Values a reader would look up in the specification live here, once, as data.
"""

from __future__ import annotations

from types import MappingProxyType

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
EB_NS = "http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

NSMAP = {"SOAP": SOAP_NS, "eb": EB_NS, "xlink": XLINK_NS}
PREFIXES = {SOAP_NS: "SOAP", EB_NS: "eb", DS_NS: "ds", XLINK_NS: "xlink", XML_NS: "xml"}

EB_VERSION = "2.0"

# ebMS 2.0 §4.2 / HITS 1171: the service and actions of MSH signals.
MSH_SERVICE = "urn:oasis:names:tc:ebxml-msg:service"
ACTION_ACKNOWLEDGMENT = "Acknowledgment"
ACTION_MESSAGE_ERROR = "MessageError"
SIGNAL_ACTIONS = frozenset({ACTION_ACKNOWLEDGMENT, ACTION_MESSAGE_ERROR})

# SOAP actors used in Norwegian traffic (HIS 1037 §6.2, ebMS 2.0 §2.3.10).
ACTOR_TO_PARTY_MSH = "urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH"
ACTOR_NEXT_MSH = "urn:oasis:names:tc:ebxml-msg:actor:nextMSH"
ACTOR_NEXT = "http://schemas.xmlsoap.org/soap/actor/next"

# eb:Error/@codeContext default (ebMS 2.0 §4.2.3.4.1).
ERROR_CODE_CONTEXT = "urn:oasis:names:tc:ebxml-msg:service:errors"

# ebMS 2.0 §4.2.3.4.1 error codes, with their meaning (HITS 1171 ch. 8).
EBXML_ERROR_CODES = MappingProxyType(
    {
        "ValueNotRecognized": "element content or attribute value not recognized",
        "NotSupported": "element or attribute not supported",
        "Inconsistent": "element content or attribute value inconsistent with other elements",
        "OtherXml": "other error in an element content or attribute value",
        "DeliveryFailure": "message could not be delivered",
        "TimeToLiveExpired": "message time to live expired",
        "SecurityFailure": "signature, decryption or certificate check failed",
        "MimeProblem": "URI resolve error or MIME packaging problem",
        "Unknown": "unknown error",
    }
)

SEVERITIES = ("Warning", "Error")

# Which ebMS errorCode answers a gateway error or finding code (first matching prefix wins;
# HITS 1171 ch. 8: MIME errors are MimeProblem, signature/certificate errors SecurityFailure).
ERROR_CODE_BY_PREFIX = (
    ("ebxml.mime-", "MimeProblem"),
    ("ebxml.soap-action", "MimeProblem"),
    ("ebxml.soap-part", "MimeProblem"),
    ("ebxml.payload-", "MimeProblem"),
    ("ebxml.manifest-payload", "MimeProblem"),
    ("ebxml.signature", "SecurityFailure"),
    ("ebxml.soap-version", "NotSupported"),
    ("ebxml.wrong-namespace", "NotSupported"),
    ("ebxml.version", "NotSupported"),
    ("ebxml.cpa-id", "ValueNotRecognized"),
    ("ebxml.signal-", "Inconsistent"),
    ("ebxml.error-ref", "Inconsistent"),
    ("ebxml.", "OtherXml"),
    ("xml.", "OtherXml"),
    ("schema.", "OtherXml"),
)

# MIME packaging (HIS 1037 §8.1, HITS 1172 rules 22, 66, 253, 255-260).
SOAP_ACTION = '"ebXML"'
MULTIPART_RELATED = "multipart/related"
SOAP_PART_TYPE = "text/xml"
PKCS7_ENVELOPED = "application/pkcs7-mime; smime-type=enveloped-data"
TRANSFER_ENCODINGS = frozenset({"7bit", "8bit", "binary", "base64", "quoted-printable"})

# PartyId types (HIS 1037 §6.2.1 with errata 1; NAV CPAs also use orgnummer).
PARTY_HER = "HER"
PARTY_ENH = "ENH"

# HISD 1209:2018: Service = "S-" + Action, Role = Action + "sender"/"receiver".
SERVICE_PREFIX = "S-"
ROLE_SENDER = "sender"
ROLE_RECEIVER = "receiver"
APPREC_ACTION = "APPREC"
SERVICE_TYPE = "string"
