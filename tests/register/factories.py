"""One factory per register model."""

from __future__ import annotations

import factory

from domeinwacht.web.register.constants import OrganisationType
from domeinwacht.web.register.models import Contact, Domain, Host, Organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    class Params:
        ended = factory.Trait(valid_until=factory.Faker("past_date"))

    name = factory.Sequence(lambda n: f"Gemeente Voorbeeld {n}")
    slug = factory.Sequence(lambda n: f"gemeente-voorbeeld-{n}")
    external_id = factory.LazyAttribute(lambda o: f"org:{o.slug}")
    type = OrganisationType.GEMEENTE
    organisatiecode = factory.Sequence(lambda n: f"gm9{n:03d}")
    tooi = factory.LazyAttribute(lambda o: f"https://identifier.overheid.nl/tooi/id/gemeente/{o.organisatiecode}")
    oin = factory.Sequence(lambda n: f"{n:020d}")


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    name = factory.Sequence(lambda n: f"voorbeeld{n}.nl")
    owner = factory.SubFactory(OrganisationFactory)


class HostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Host

    domain = factory.SubFactory(DomainFactory)
    name = factory.LazyAttribute(lambda o: f"www.{o.domain.name}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"security{n}@voorbeeld.nl")
