"""Every worked example of every loaded bank question, graded the way an attempt grades an
answer: the stored version, instantiated with an attempt's seed, normalised and graded by
`answer_grade_fields` (what saving and submitting call)."""

from decimal import Decimal

from assessments.models import Question, QuestionStatus
from assessments.question_types import QUESTION_TYPES, instantiate
from assessments.question_types.examples import EXPECTED_FRACTION_TOLERANCE, examples_of
from assessments.services.attempts import answer_grade_fields
from assessments.services.bank import question_bank_load
from assessments.services.bank_policy import EXAMPLE_TYPES
from coursepackages.layout import DEMO_BANK_DIR

# Attempts draw their seed at random; a few fixed ones reach different parameter values.
ATTEMPT_SEEDS = (3, 1234, 987_654_321)
MAX_POINTS = Decimal("2.00")


def test_every_loaded_example_earns_what_it_claims_through_the_attempt_grading_path(
    docker_module: int,
) -> None:
    # given the bank, loaded as the loader stores it
    question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)
    questions = Question.objects.filter(status=QuestionStatus.READY).select_related(
        "current_version"
    )
    graded: list[str] = []
    disagreements: list[str] = []
    for question in questions:
        version = question.current_version
        assert version is not None
        question_type = QUESTION_TYPES[version.type]
        for seed in ATTEMPT_SEEDS:
            # when each example is normalised and graded as a saved answer would be
            variant, _ = instantiate(version.spec, seed)
            for example in examples_of(variant):
                response = question_type.normalise_response(variant, example.answer)
                fields = answer_grade_fields(
                    question_type=version.type,
                    variant=variant,
                    max_points=MAX_POINTS,
                    response=response,
                )
                graded.append(question.key)
                fraction = fields["fraction"]
                if example.kind == "accept":
                    agrees = fraction == 1 and fields["points"] == MAX_POINTS
                elif example.expected is not None:
                    agrees = abs(fraction - example.expected) <= EXPECTED_FRACTION_TOLERANCE
                else:
                    agrees = fraction < 1
                if not agrees:
                    disagreements.append(f"{question.key} seed {seed} {example.where}: {fraction}")
    # then every example agrees, and every typed-answer question was exercised
    assert disagreements == []
    typed = {
        question.key
        for question in questions
        if question.current_version is not None and question.current_version.type in EXAMPLE_TYPES
    }
    assert typed <= set(graded)
