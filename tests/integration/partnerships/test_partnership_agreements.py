"""The agreement lifecycle: signing, immutability on every path, amendments and renewals, termination."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from factories import AgreementFactory, OrganisationFactory

from renkei.partnerships import services
from renkei.partnerships.models import AgreementParty, AgreementVersion, CooperationCondition

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def signed(owner_org, other_org):
    """Version 1 of an exchange agreement, signed by both parties and in effect, with one condition."""
    agreement = AgreementFactory(owner=owner_org, key="exchange")
    version = services.agreement_draft(
        agreement=agreement,
        actor=None,
        valid_from=dt.date(2022, 4, 1),
        valid_until=dt.date(2027, 3, 31),
        scope_ja="学生交流",
        parties=[
            AgreementParty(organisation=owner_org, signatory_name="総長", signed_on=dt.date(2022, 3, 1)),
            AgreementParty(
                organisation=other_org, signatory_name="President", signed_on=dt.date(2022, 3, 10)
            ),
        ],
    )
    services.cooperation_condition_save(
        cooperation_condition=CooperationCondition(
            version=version,
            mobility_type="student-studies",
            sending_hei=owner_org,
            receiving_hei=other_org,
            receiving_first_academic_year_id="2022/2023",
            receiving_last_academic_year_id="2026/2027",
            mobilities_per_year=10,
            total_months_per_year=50,
            subject_areas=["0314"],
            eqf_levels=[7, 8],
            recommended_language_skills=[{"language": "en", "cefr_level": "B2"}],
        ),
        actor=None,
    )
    for status in ("internal_review", "with_partner"):
        services.agreement_transition(version=version, status=status, actor=None, today=TODAY)
    return services.agreement_sign(version=version, actor=None, today=TODAY)


def test_signing_puts_the_version_in_effect(signed) -> None:
    assert signed.status == "in_effect"
    assert signed.signed_on == dt.date(2022, 3, 10)


def test_a_draft_cannot_skip_to_signed_or_be_signed_unsigned(owner_org, other_org) -> None:
    agreement = AgreementFactory(owner=owner_org)
    version = services.agreement_draft(
        agreement=agreement, actor=None, valid_from=TODAY, parties=[AgreementParty(organisation=owner_org)]
    )
    with pytest.raises(ValidationError):
        services.agreement_sign(version=version, actor=None, today=TODAY)
    with pytest.raises(ValidationError):
        services.agreement_transition(version=version, status="in_effect", actor=None)
    version.refresh_from_db()
    assert version.status == "draft"


def test_a_signed_version_refuses_change_through_the_service(signed) -> None:
    signed.scope_ja = "書き換え"
    with pytest.raises(ValidationError):
        services.agreement_version_save(version=signed, actor=None)
    signed.refresh_from_db()
    assert signed.scope_ja == "学生交流"


def test_a_signed_version_refuses_change_through_save_and_querysets(signed) -> None:
    from renkei.core.audit import in_service

    with in_service("test.bypass"):
        signed.valid_until = dt.date(2030, 3, 31)
        with pytest.raises(ValidationError):
            signed.save()
        with pytest.raises(ValidationError):
            AgreementVersion.objects.filter(pk=signed.pk).update(valid_until=dt.date(2030, 3, 31))
        with pytest.raises(ValidationError):
            AgreementVersion.objects.bulk_update([signed], ["valid_until"])
        with pytest.raises(ValidationError):
            AgreementVersion.objects.filter(pk=signed.pk).delete()
        with pytest.raises(ValidationError):
            AgreementParty.objects.filter(version=signed).update(signatory_name="X")
        with pytest.raises(ValidationError):
            CooperationCondition.objects.filter(version=signed).update(mobilities_per_year=99)
        with pytest.raises(ValidationError):
            CooperationCondition.objects.filter(version=signed).delete()
    signed.refresh_from_db()
    assert signed.valid_until == dt.date(2027, 3, 31)
    assert CooperationCondition.objects.get(version=signed).mobilities_per_year == 10


def test_no_party_or_condition_is_added_to_a_signed_version(signed, other_org) -> None:
    with pytest.raises(ValidationError):
        services.agreement_party_save(
            agreement_party=AgreementParty(version=signed, organisation=OrganisationFactory()), actor=None
        )
    party = signed.parties.get(organisation=other_org)
    party.signatory_name = "someone else"
    with pytest.raises(ValidationError):
        services.agreement_party_save(agreement_party=party, actor=None)


def test_an_amendment_is_a_new_linked_version_carrying_over_the_rest(signed) -> None:
    amendment = services.agreement_amend(
        version=signed,
        actor=None,
        changes={"scope_ja": "学生交流と教員交流", "change_summary_ja": "教員交流を追加"},
    )
    assert (amendment.number, amendment.previous, amendment.change) == (2, signed, "amendment")
    assert amendment.valid_until == signed.valid_until
    assert amendment.parties.count() == 2
    assert amendment.conditions.count() == 1
    assert amendment.conditions.get().eqf_levels == [7, 8]
    # sign it: parties sign again
    for party in amendment.parties.all():
        party.signed_on = dt.date(2024, 5, 1)
        services.agreement_party_save(agreement_party=party, actor=None)
    for status in ("internal_review", "with_partner"):
        services.agreement_transition(version=amendment, status=status, actor=None, today=TODAY)
    services.agreement_sign(version=amendment, actor=None, today=TODAY)
    signed.refresh_from_db()
    assert signed.status == "amended"
    assert signed.scope_ja == "学生交流"
    with pytest.raises(ValidationError):
        services.agreement_amend(version=signed, actor=None)


def test_a_renewal_has_new_dates(signed) -> None:
    renewal = services.agreement_renew(
        version=signed, actor=None, valid_from=dt.date(2027, 4, 1), valid_until=dt.date(2032, 3, 31)
    )
    assert renewal.change == "renewal"
    assert renewal.valid_from == dt.date(2027, 4, 1)
    assert renewal.scope_ja == signed.scope_ja


def test_terminate_keeps_the_content(signed) -> None:
    services.agreement_terminate(version=signed, actor=None, reason="合意により", today=TODAY)
    signed.refresh_from_db()
    assert signed.status == "terminated"
    assert signed.terminated_on == TODAY
    assert signed.scope_ja == "学生交流"
    with pytest.raises(ValidationError):
        services.agreement_renew(version=signed, actor=None, valid_from=TODAY, valid_until=None)


def test_a_signed_agreement_is_not_deleted(signed) -> None:
    with pytest.raises(ValidationError):
        services.agreement_delete(agreement=signed.agreement, actor=None)
    assert AgreementVersion.objects.filter(pk=signed.pk).exists()


def test_only_the_owners_editors_sign(signed, owner, other_org_editor, outsider) -> None:
    amendment = services.agreement_amend(version=signed, actor=owner)
    with pytest.raises(PermissionDenied):
        services.agreement_transition(version=amendment, status="internal_review", actor=other_org_editor)
    with pytest.raises(PermissionDenied):
        services.agreement_amend(version=signed, actor=outsider)


def test_a_bad_condition_is_refused_in_both_languages(signed, owner_org, other_org) -> None:
    draft = services.agreement_amend(version=signed, actor=None)
    condition = CooperationCondition(
        version=draft,
        mobility_type="staff-teacher",
        sending_hei=owner_org,
        receiving_hei=owner_org,
        receiving_first_academic_year_id="2024/2026",
        total_months_per_year=3,
        eqf_levels=[9],
        subject_areas=["abc"],
        recommended_language_skills=[{"language": "en", "cefr_level": "D1"}],
    )
    with pytest.raises(ValidationError) as raised:
        services.cooperation_condition_save(cooperation_condition=condition, actor=None)
    assert set(raised.value.message_dict) >= {
        "receiving_hei",
        "receiving_first_academic_year_id",
        "total_months_per_year",
        "eqf_levels",
        "subject_areas",
        "recommended_language_skills",
    }


def test_the_signed_document_is_kept_once_under_the_data_dir(signed, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    services.agreement_document_attach(version=signed, actor=None, name="signed.pdf", content=b"%PDF-1.4")
    path = services.agreement_document_path(signed)
    assert path.read_bytes() == b"%PDF-1.4"
    assert path.is_relative_to(tmp_path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    signed.refresh_from_db()
    assert signed.document == "v1-signed.pdf"
    with pytest.raises(ValidationError):
        services.agreement_document_attach(version=signed, actor=None, name="other.pdf", content=b"x")
    signed.document = "changed.pdf"
    with pytest.raises(ValidationError):
        services.agreement_version_save(version=signed, actor=None)


def test_a_document_name_that_leaves_the_folder_is_refused(signed, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    with pytest.raises(ValidationError):
        services.agreement_document_attach(version=signed, actor=None, name="../../x.pdf", content=b"x")
    assert not list(tmp_path.rglob("*.pdf"))


@pytest.mark.parametrize(
    ("name", "content", "ja", "en"),
    [
        ("signed.pdf", b"PK\x03\x04 not a pdf", "PDFファイル", "Only a PDF file can be attached"),
        ("signed.docx", b"%PDF-1.4", "PDFファイル", "Only a PDF file can be attached"),
        (
            "signed.pdf",
            b"%PDF-" + b"x" * 100,
            "ファイルが大きすぎます（105 バイト）。上限は 50 バイトです。",
            "The file is too large (105 bytes); the limit is 50 bytes.",
        ),
    ],
)
def test_a_document_that_is_not_a_pdf_or_too_large_is_refused_in_both_languages(
    signed, settings, tmp_path, name, content, ja, en
) -> None:
    from django.utils import translation

    settings.DATA_DIR = tmp_path
    settings.RENKEI_AGREEMENT_DOCUMENT_MAX_BYTES = 50
    for language, expected in (("ja", ja), ("en", en)):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            services.agreement_document_attach(version=signed, actor=None, name=name, content=content)
        assert expected in str(refused.value)
    assert not list(tmp_path.rglob("*"))
    signed.refresh_from_db()
    assert signed.document == ""


def test_a_draft_version_takes_no_signed_document(signed, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    draft = services.agreement_amend(version=signed, actor=None, changes={"scope_ja": "改定"})
    with pytest.raises(ValidationError):
        services.agreement_document_attach(version=draft, actor=None, name="a.pdf", content=b"%PDF-1.4")
