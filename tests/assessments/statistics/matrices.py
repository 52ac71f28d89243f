"""Small response matrices whose statistics are worked out by hand in the tests."""

from assessments.statistics import ResponseMatrix


def matrix_of(marks: dict[str, dict[str, float]], max_mark: float = 1.0) -> ResponseMatrix:
    """{attempt: {item: mark}}, every item out of `max_mark`."""
    matrix = ResponseMatrix()
    for attempt, by_item in marks.items():
        for item, mark in by_item.items():
            matrix.add(attempt=attempt, item=item, mark=mark, max_mark=max_mark)
    return matrix


# Three attempts, two items. Totals 1, 1, 2.
THREE_BY_TWO = {
    "a1": {"q1": 1, "q2": 0},
    "a2": {"q1": 0, "q2": 1},
    "a3": {"q1": 1, "q2": 1},
}

# Four attempts, three items; q1 is answered right by everyone. Totals 3, 2, 2, 1.
FOUR_BY_THREE = {
    "a1": {"q1": 1, "q2": 1, "q3": 1},
    "a2": {"q1": 1, "q2": 1, "q3": 0},
    "a3": {"q1": 1, "q2": 0, "q3": 1},
    "a4": {"q1": 1, "q2": 0, "q3": 0},
}

# Moodle's own walkthrough (mod/quiz/report/statistics/tests/fixtures/results00.csv): 25
# attempts at 7 one-mark slots, with the statistics Moodle's test expects (qstats00.csv and
# check_quiz_stats_for_quiz_00), computed independently in a spreadsheet by Moodle's authors.
MOODLE_00_MARKS = """\
1,1,1,1,1,0,1
1,1,1,1,0.5,1,0
1,1,1,1,0.5,0,1
0,0,1,1,1,0,0
1,0,1,0,0,1,0.5
1,1,1,1,0.5,0,0.5
0,1,1,1,0.5,1,0.5
1,1,1,0,0.5,1,0.5
1,0,1,1,1,1,1
0,1,1,0,0.5,1,0.5
0.8,0,1,1,0.5,1,0.5
1,1,1,0,0.5,1,1
1,0,1,1,0.5,1,0.5
1,0,1,1,1,0,0.5
0,0,1,1,0,1,1
1,0,1,0,0.5,1,1
0.8,0,1,1,0.5,0,1
1,0,1,1,0,1,0.5
1,0,1,1,0.5,0,0.5
0,1,1,0,0.5,1,0
1,1,0.3333333,1,0.5,0,0.5
1,1,1,0,0.5,0,0.5
1,1,1,1,0,1,0.5
0,0,1,0,0.5,1,1
0,0,1,1,1,1,1
"""
# slot: (facility, sd, effective weight, discrimination index, discriminative efficiency)
MOODLE_00_ITEMS = {
    "1": (0.704, 0.4513682901, 21.2922742344, -7.0650767526, -9.4550536967),
    "2": (0.48, 0.5099019514, 18.8979800309, -28.8982125772, -36.7834118938),
    "3": (0.973333332, 0.13333334, 4.443012573, -9.1230674268, -21.6545012165),
    "4": (0.68, 0.4760952286, 18.9347251357, -22.6306444113, -31.4411395613),
    "5": (0.52, 0.3055050463, 11.1450138688, -17.6997047674, -21.1794802584),
    "6": (0.64, 0.4898979486, 9.8081339177, -45.3785178421, -56.9365974439),
    "7": (0.62, 0.331662479, 15.4788602394, -5.6543166602, -6.5043742058),
}
# Raw marks (out of 7) for the mean, median, SD and standard error.
MOODLE_00_TEST = {
    "median": 4.5,
    "mean": 4.617333332,
    "sd": 0.8117265554,
    "skewness": -0.092502502,
    "kurtosis": -0.7073968557,
    "cic": -87.2230935542,
    "error_ratio": 136.8294900795,
    "standard_error": 1.1106813066,
}


def moodle_00_matrix() -> ResponseMatrix:
    matrix = ResponseMatrix()
    for number, line in enumerate(MOODLE_00_MARKS.splitlines(), start=1):
        for slot, mark in enumerate(line.split(","), start=1):
            matrix.add(attempt=str(number), item=str(slot), mark=float(mark), max_mark=1.0)
    return matrix
