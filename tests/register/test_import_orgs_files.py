"""The organisation importer on small, crafted files: bad files, number handling, and its query budget."""

from __future__ import annotations

import shutil
import textwrap

import pytest

from domeinwacht.web.register.importing.orgs import import_orgs
from domeinwacht.web.register.importing.report import ImportError_, RowStatus
from domeinwacht.web.register.models import Domain, Organisation

pytestmark = pytest.mark.django_db

ORG = textwrap.dedent(
    """\
    id: org:gemeente-proef
    type: gemeente
    identifiers:
      oin: 00000001001234567000
      ictu: 00123
      organisatiecode: gm9999
      tooi: https://identifier.overheid.nl/tooi/id/gemeente/gm9999
    names:
    - value: Gemeente Proef
      abbr: Proef
    contact:
      website: https://www.proef.nl/home
      internet_addresses:
      - url: https://loket.proef-digitaal.nl
    valid_from: '1900-01-01'
    valid_until: null
    """
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_identifiers_that_look_octal_stay_text(tmp_path):
    write(tmp_path, "proef.yaml", ORG)
    import_orgs(tmp_path)
    assert Organisation.objects.get(slug="gemeente-proef").oin == "00000001001234567000"


def test_every_url_gives_a_domain(tmp_path):
    write(tmp_path, "proef.yaml", ORG)
    import_orgs(tmp_path)
    assert set(Domain.objects.values_list("name", flat=True)) == {"proef.nl", "proef-digitaal.nl"}


def test_a_broken_file_is_reported_and_the_others_imported(tmp_path):
    write(tmp_path, "proef.yaml", ORG)
    write(tmp_path, "kapot.yaml", "id: [unclosed\n")
    write(tmp_path, "lijst.yaml", "- just\n- a list\n")
    report = import_orgs(tmp_path)
    rejected = {r.row: r.reason for r in report.rows if r.status is RowStatus.REJECTED}
    assert "not valid YAML" in rejected["kapot.yaml"]
    assert "not an organisation" in rejected["lijst.yaml"]
    assert Organisation.objects.filter(slug="gemeente-proef").exists()


def test_an_invalid_oin_is_dropped_with_a_warning(tmp_path):
    write(tmp_path, "proef.yaml", ORG.replace("00000001001234567000", "'12345'"))
    report = import_orgs(tmp_path)
    assert Organisation.objects.get(slug="gemeente-proef").oin == ""
    assert any("OIN is not 20 digits" in r.reason for r in report.rows)


def test_an_unusable_website_is_a_warning(tmp_path):
    write(tmp_path, "proef.yaml", ORG.replace("https://www.proef.nl/home", "https://192.0.2.1/"))
    report = import_orgs(tmp_path)
    assert any("website not usable" in r.reason for r in report.rows)


def test_a_missing_path_is_one_clear_error(tmp_path):
    with pytest.raises(ImportError_, match="does not exist"):
        import_orgs(tmp_path / "nowhere")


def test_a_folder_without_yaml_is_one_clear_error(tmp_path):
    with pytest.raises(ImportError_, match="no YAML files"):
        import_orgs(tmp_path)


def test_the_number_of_queries_does_not_grow_with_the_number_of_files(
    tmp_path, shared_data, django_assert_max_num_queries
):
    # Bulk operations: 60 municipalities cost a fixed, small number of queries (not one per file).
    for path in sorted((shared_data / "organisaties" / "gemeenten").glob("*.yaml"))[:60]:
        shutil.copy(path, tmp_path / path.name)
    with django_assert_max_num_queries(60):
        report = import_orgs(tmp_path)
    assert report.counts["organisations"]["created"] == 60


def test_a_page_on_a_shared_portal_makes_no_body_owner_of_the_portal_domain(tmp_path):
    portal = "https://organisaties.overheid.nl/woo/28248840/College_ter_Beoordeling_van_Geneesmiddelen"
    write(tmp_path, "proef.yaml", ORG.replace("https://loket.proef-digitaal.nl", portal))
    report = import_orgs(tmp_path)
    assert not Domain.objects.filter(name="overheid.nl").exists()
    assert any(r.value == portal and "overheid.nl not claimed" in r.reason for r in report.rows)


def test_a_deep_page_on_the_bodys_own_named_domain_still_claims_it(tmp_path):
    write(tmp_path, "proef.yaml", ORG.replace("https://www.proef.nl/home", "https://www.proef.nl/contact/loket"))
    import_orgs(tmp_path)
    assert Domain.objects.get(name="proef.nl").owner.slug == "gemeente-proef"


def test_the_start_page_of_a_site_claims_its_domain_whatever_its_name(tmp_path):
    write(tmp_path, "proef.yaml", ORG.replace("https://loket.proef-digitaal.nl", "https://www.regioloket.nl/nl/"))
    import_orgs(tmp_path)
    assert Domain.objects.get(name="regioloket.nl").owner.slug == "gemeente-proef"


@pytest.mark.parametrize("website", ["mailto:info@proef.nl", "javascript:alert(1)", "ftp://ftp.proef.nl/"])
def test_only_an_http_website_is_stored(tmp_path, website):
    write(tmp_path, "proef.yaml", ORG.replace("https://www.proef.nl/home", website))
    import_orgs(tmp_path)
    assert Organisation.objects.get(slug="gemeente-proef").website == ""


def test_a_website_without_scheme_is_stored_as_http(tmp_path):
    write(tmp_path, "proef.yaml", ORG.replace("https://www.proef.nl/home", "www.proef.nl"))
    import_orgs(tmp_path)
    assert Organisation.objects.get(slug="gemeente-proef").website == "http://www.proef.nl"


def _earlier_import_gave(name, tmp_path):
    """The register as an import before the shared-host rule left it: ``name`` owned through proef.yaml."""
    write(tmp_path, "proef.yaml", ORG)
    import_orgs(tmp_path)
    owner = Organisation.objects.get(slug="gemeente-proef")
    return Domain.objects.create(name=name, owner=owner, provenance="imported", source="proef.yaml")


def test_reimport_removes_an_untouched_domain_no_site_claims_any_more(tmp_path):
    _earlier_import_gave("overheid.nl", tmp_path)
    report = import_orgs(tmp_path)
    assert not Domain.objects.filter(name="overheid.nl").exists()
    assert report.counts["domains"]["removed"] == 1
    assert any(r.value == "overheid.nl" and "removed" in r.reason for r in report.rows)


def test_reimport_keeps_an_unclaimed_domain_someone_edited_and_says_so(tmp_path):
    from domeinwacht.web.register.services import add_tags

    _earlier_import_gave("overheid.nl", tmp_path)
    add_tags("overheid.nl", ["bekeken"])
    report = import_orgs(tmp_path)
    assert Domain.objects.filter(name="overheid.nl").exists()
    assert any(r.value == "overheid.nl" and "edited since; kept" in r.reason for r in report.rows)


def test_reimport_leaves_domains_of_other_sources_alone(tmp_path):
    write(tmp_path, "proef.yaml", ORG)
    import_orgs(tmp_path)
    owner = Organisation.objects.get(slug="gemeente-proef")
    Domain.objects.create(name="uit-een-lijst.nl", owner=owner, provenance="imported", source="import-domains d.csv")
    import_orgs(tmp_path)
    assert Domain.objects.filter(name="uit-een-lijst.nl").exists()


def test_a_shared_host_page_given_twice_is_one_warning(tmp_path):
    portal = "https://www.rijksoverheid.nl/ministeries/ministerie-van-proef"
    text = ORG.replace("https://www.proef.nl/home", portal).replace("https://loket.proef-digitaal.nl", portal)
    write(tmp_path, "proef.yaml", text)
    report = import_orgs(tmp_path)
    assert [r.value for r in report.rows if "shared host" in r.reason] == [portal]
