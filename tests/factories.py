"""factory_boy factories for the models tests build directly (not through an import)."""

import factory

from accounts.models import Role, User
from courses.models import (
    ContentBlock,
    ContentBlockKind,
    Course,
    KeyTakeaway,
    LearningObjective,
    Module,
    Section,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.LEARNER
    password = factory.django.Password("correct-horse-battery-staple")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    number = factory.Sequence(lambda n: f"1.{n + 1}")
    slug = factory.LazyAttribute(lambda module: f"module-{module.number.replace('.', '-')}")
    title = factory.Sequence(lambda n: f"Module title {n}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    body_markdown = "Some text."
    body_html = "<p>Some text.</p>"


class LearningObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningObjective

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Explain idea {n}")
    slug = factory.Sequence(lambda n: f"explain-idea-{n}")


class KeyTakeawayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyTakeaway

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "**Point**: remember it"
    text_html = "<strong>Point</strong>: remember it"


class ContentBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentBlock

    section = factory.SubFactory(SectionFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = ContentBlockKind.CODE
    key = factory.Sequence(lambda n: f"code-{n:012x}")
    payload = factory.LazyFunction(lambda: {"language": "bash", "text": "echo hi", "heading": ""})
