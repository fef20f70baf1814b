"""Factories for tests. Client files and cases are made through the services, as users do."""

from __future__ import annotations

import factory

from casework.models import Centre, Role, User, UserRole
from clients import services
from clients.models import Case, Client

PASSWORD = "a-long-test-password-42"


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"Centre {n}")
    code = factory.Sequence(lambda n: f"C{n:03d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Tester"
    centre = factory.SubFactory(CentreFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        for role in extracted or []:
            UserRole.objects.create(user=self, role=role)


def counsellor(centre: Centre, **kwargs) -> User:
    return UserFactory(centre=centre, roles=[Role.COUNSELLOR], **kwargs)


def make_case(holder: User, **client_data) -> Case:
    """A client registered by ``holder`` and their first case, held by ``holder``."""
    _client, case = services.client_create(actor=holder, data=client_data)
    return case


def make_client(holder: User, **client_data) -> Client:
    return make_case(holder, **client_data).client
