"""Course content: a Course holds Modules; a Module holds Sections, objectives and takeaways.

Rows are written by `courses.services.module_import` (and instructors through the admin). The
database enforces the invariants: one slug per module, one live position per module, known kinds.
Sections and objectives that other apps point at are archived, never deleted, so questions and
attempts keep their evidence.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from courses.content_shape import SLUG_MAX_LENGTH, TITLE_MAX_LENGTH, BlockKind


class Course(models.Model):
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "slug"]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="modules")
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH)
    # The course's own numbering, e.g. "1.1"; blank when the source has none.
    number = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    intro_markdown = models.TextField(blank=True)
    intro_html = models.TextField(blank=True)
    summary_markdown = models.TextField(blank=True)
    summary_html = models.TextField(blank=True)
    source_name = models.CharField(max_length=255, blank=True)
    # SHA-256 of the raw source bytes of the last import that changed something.
    source_sha256 = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course", "number", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "slug"], name="module_slug_unique_per_course"
            ),
            models.UniqueConstraint(
                fields=["course", "number"],
                condition=~models.Q(number=""),
                name="module_number_unique_per_course",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse(
            "courses:module", kwargs={"course_slug": self.course.slug, "module_slug": self.slug}
        )

    @property
    def display_title(self) -> str:
        return f"Module {self.number}: {self.title}" if self.number else self.title


class Section(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    # Stable: set from the title when the section is first imported and kept on renames.
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    body_markdown = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # Removed from the source but still referenced elsewhere (e.g. by questions).
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "slug"], name="section_slug_unique_per_module"
            ),
            models.UniqueConstraint(
                fields=["module", "position"],
                condition=models.Q(is_archived=False),
                name="section_position_unique_per_module",
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="section_position_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "courses:section",
            kwargs={
                "course_slug": self.module.course.slug,
                "module_slug": self.module.slug,
                "section_slug": self.slug,
            },
        )


class ObjectiveOrigin(models.TextChoices):
    """Where an objective comes from. A course import owns only the ones from its text; a
    supplement (one the question bank needs and the course text does not state, such as using
    the Docker CLI) survives re-imports and is numbered after the course's own objectives."""

    COURSE = "course", "From the course text"
    SUPPLEMENT = "supplement", "Added for the question bank"


class LearningObjective(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveIntegerField()
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH)
    text = models.TextField()
    taught_in = models.ManyToManyField(Section, blank=True, related_name="objectives")
    origin = models.CharField(
        max_length=16, choices=ObjectiveOrigin.choices, default=ObjectiveOrigin.COURSE
    )
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "slug"], name="objective_slug_unique_per_module"
            ),
            models.UniqueConstraint(
                fields=["module", "position"],
                condition=models.Q(is_archived=False),
                name="objective_position_unique_per_module",
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="objective_position_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class KeyTakeaway(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="takeaways")
    position = models.PositiveIntegerField()
    text = models.TextField()
    text_html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "position"], name="takeaway_position_unique_per_module"
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="takeaway_position_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class ContentBlockKind(models.TextChoices):
    CODE = BlockKind.CODE.value, "Code"
    TABLE = BlockKind.TABLE.value, "Table"
    BAD_GOOD_PAIR = BlockKind.BAD_GOOD_PAIR.value, "Bad / good example pair"
    COMMAND = BlockKind.COMMAND.value, "Shell command"
    DIAGRAM = BlockKind.DIAGRAM.value, "Diagram"


class ContentBlock(models.Model):
    """A structured piece of a section, for other apps (question generation, graders).

    Payload shapes by kind (every payload also carries "heading", the nearest heading above it):
    code {language, text}; table {header: [str], rows: [[str]]}; diagram {text};
    bad_good_pair {language, topic, bad: {code, comment}, good: {code, comment}};
    command {command, explanation}.
    """

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=ContentBlockKind.choices)
    # "<kind>-<hash of the content>": survives re-imports and reordering; see importer.blocks.
    key = models.SlugField(max_length=80)
    payload = models.JSONField()
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "key"], name="content_block_key_unique"),
            models.UniqueConstraint(
                fields=["section", "position"],
                condition=models.Q(is_archived=False),
                name="content_block_position_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ContentBlockKind.values),
                name="content_block_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="content_block_position_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} · {self.key}"


class StaffRole(models.TextChoices):
    INSTRUCTOR = "instructor", "Instructor"


class StaffSource(models.TextChoices):
    """Who put a staff row there, so each channel replaces only its own rows: a package sync
    rewrites the package's list and leaves the LMS's and the portal's alone."""

    PACKAGE = "package", "Course package (course.yaml)"
    LMS = "lms", "LMS launch or provisioning"
    PORTAL = "portal", "Added in the portal"


class CourseStaff(models.Model):
    """One person who may author, grade and read results in one course.

    Either a user (LMS-provisioned staff, people added by an id) or an identifier: the lowercased
    email a course package lists, matched against the user's email when access is checked (see
    `courses.access.course_staff_filter`), so a person listed before they have an account becomes
    staff the moment their account's email is proven (sign-up activation), with no sync.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="course_staff",
    )
    identifier = models.CharField(max_length=254, blank=True)
    role = models.CharField(max_length=16, choices=StaffRole.choices, default=StaffRole.INSTRUCTOR)
    source = models.CharField(max_length=16, choices=StaffSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course", "identifier", "user"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (models.Q(user__isnull=False) & models.Q(identifier=""))
                    | (models.Q(user__isnull=True) & ~models.Q(identifier=""))
                ),
                name="course_staff_user_xor_identifier",
            ),
            models.CheckConstraint(
                condition=models.Q(identifier=Lower("identifier")),
                name="course_staff_identifier_lowercase",
            ),
            models.UniqueConstraint(
                fields=["course", "source", "identifier"],
                condition=~models.Q(identifier=""),
                name="course_staff_identifier_unique",
            ),
            models.UniqueConstraint(
                fields=["course", "source", "user"],
                condition=models.Q(user__isnull=False),
                name="course_staff_user_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=StaffRole.values), name="course_staff_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=StaffSource.values), name="course_staff_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.identifier or self.user} ({self.role})"


class EnrolmentSource(models.TextChoices):
    """How a learner came into a course (every channel enrols through courses.enrolment)."""

    SELF = "self", "Enrolled from the catalogue"
    PRACTICE = "practice", "Started an attempt or a task in the course"
    INSTRUCTOR = "instructor", "Enrolled by an instructor of the course"
    LMS = "lms", "Enrolled through the LMS"


class Enrolment(models.Model):
    """A learner taking a course: the course is on their dashboard and in their API lists.

    One row per (course, learner); the first channel that enrolled them is kept.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    source = models.CharField(max_length=16, choices=EnrolmentSource.choices)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "learner"], name="enrolment_unique"),
            models.CheckConstraint(
                condition=models.Q(source__in=EnrolmentSource.values),
                name="enrolment_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} in {self.course}"
