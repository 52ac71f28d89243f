from graders.sandbox.logcap import CappedLog


def test_a_short_log_is_kept_whole() -> None:
    log = CappedLog(100)

    log.append("Step 1/2\n")
    log.append("done\n")

    assert (log.excerpt(), log.truncated) == ("Step 1/2\ndone\n", False)


def test_a_flood_keeps_the_beginning_and_the_end_within_the_cap() -> None:
    # given
    log = CappedLog(1000)

    # when
    log.append("BEGIN\n")
    for _ in range(10_000):
        log.append("x" * 97 + "\n")
    log.append("END\n")

    # then
    excerpt = log.excerpt()
    assert log.truncated
    assert log.total_bytes == 6 + 10_000 * 98 + 4
    assert excerpt.startswith("BEGIN\n")
    assert excerpt.endswith("END\n")
    assert log.kept_bytes == 1000
    assert "bytes of log omitted" in excerpt


def test_multibyte_text_is_never_cut_into_invalid_utf8() -> None:
    log = CappedLog(11)

    log.append("é" * 100)

    assert log.excerpt().encode("utf-8").decode("utf-8")
    assert log.kept_bytes <= 11
