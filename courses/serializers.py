"""Output serializers for the read-only courses API. One per endpoint; nothing is writable."""

from rest_framework import serializers

from courses.models import ContentBlockKind, LearningObjective


class CourseOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class ModuleListOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    number = serializers.CharField()
    title = serializers.CharField()
    imported_at = serializers.DateTimeField(allow_null=True)


class ObjectiveOutputSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    slug = serializers.SlugField()
    text = serializers.CharField()
    section_slugs = serializers.SerializerMethodField()

    def get_section_slugs(self, objective: LearningObjective) -> list[str]:
        return [section.slug for section in objective.taught_in.all()]


class TakeawayOutputSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    text = serializers.CharField(help_text="Inline Markdown.")
    text_html = serializers.CharField()


class SectionListOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()


class ModuleDetailOutputSerializer(serializers.Serializer):
    """Serializes a `selectors.ModuleOverview`."""

    slug = serializers.SlugField(source="module.slug")
    number = serializers.CharField(source="module.number")
    title = serializers.CharField(source="module.title")
    intro_html = serializers.CharField(source="module.intro_html")
    summary_html = serializers.CharField(source="module.summary_html")
    imported_at = serializers.DateTimeField(source="module.imported_at", allow_null=True)
    sections = SectionListOutputSerializer(many=True)
    objectives = ObjectiveOutputSerializer(many=True)
    takeaways = TakeawayOutputSerializer(many=True)


class ContentBlockOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ContentBlockKind.choices)
    payload = serializers.JSONField(
        help_text=(
            "By kind (each also has 'heading'): code {language, text}; table {header, rows}; "
            "diagram {text}; command {command, explanation}; "
            "bad_good_pair {language, topic, bad: {code, comment}, good: {code, comment}}."
        )
    )


class SectionDetailOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    body_markdown = serializers.CharField()
    body_html = serializers.CharField(help_text="Sanitised HTML.")
    blocks = ContentBlockOutputSerializer(many=True, source="live_blocks")
