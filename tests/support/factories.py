"""factory_boy factories shared by every test folder."""

import factory
from django.contrib.auth import get_user_model

from offices.models import Membership, Office, OfficeClass, Region, TimeZone
from offices.roles import Role


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{(n % 89) + 10:02d}")
    name = factory.LazyAttribute(lambda region: f"Province {region.code}")


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: "T" + "".join(chr(65 + (n // 26**i) % 26) for i in range(3)))
    name = factory.LazyAttribute(lambda office: f"Kantor Imigrasi {office.code}")
    office_class = OfficeClass.KELAS_I_TPI
    region = factory.SubFactory(RegionFactory)
    city = factory.LazyAttribute(lambda office: f"City {office.code}")
    timezone = TimeZone.WIB


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.FRONT_DESK
    office = factory.SubFactory(OfficeFactory)
    region = None
