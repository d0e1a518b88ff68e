"""Addressing the GP: the referral, the CareTeam, then the Adresseregister; never held up by it."""

from __future__ import annotations

from samband.adapters.registry.ar_model import CommunicationParty
from samband.features.feedback.addressing import GpHint, resolve_gp
from samband.kernel.errors import NoRouteMatched, RegistryUnavailable

GP = CommunicationParty(
    "80111",
    "Liv Berg",
    "Person",
    parent_her_id="80101",
    parent_name="Sentrum legekontor",
    person_name="Liv Berg",
    hpr="9100001",
)


class Register:
    def __init__(self, down: bool = False) -> None:
        self.down = down

    def communication_party(self, her_id: str) -> CommunicationParty:
        if self.down:
            raise RegistryUnavailable("down")
        if her_id == "80111":
            return GP
        raise NoRouteMatched("unknown", code="registry.fault")

    def search_by_id(self, ident: str) -> tuple[CommunicationParty, ...]:
        if self.down:
            raise RegistryUnavailable("down")
        return (GP,) if ident == "9100001" else ()


CARETEAM = GpHint(
    hpr="9100001", name="Liv Berg", office_name="Sentrum legekontor", office_her="80101", source="careteam"
)


def test_the_register_gives_the_gp_person_under_the_practice() -> None:
    gp = resolve_gp([CARETEAM], Register())
    assert gp is not None and (gp.her_id, gp.unit_her, gp.hpr) == ("80101", "80111", "9100001")


def test_register_down_uses_what_the_careteam_says() -> None:
    gp = resolve_gp([CARETEAM], Register(down=True))
    assert gp is not None and gp.her_id == "80101" and gp.unit_her is None


def test_a_referral_her_id_comes_first() -> None:
    gp = resolve_gp([GpHint(her_id="80111"), CARETEAM], Register())
    assert gp is not None and gp.communication_her == "80111"


def test_nobody_named_gives_no_address() -> None:
    assert resolve_gp([], Register()) is None
    assert resolve_gp([GpHint(name="Ukjent")], None) is None
