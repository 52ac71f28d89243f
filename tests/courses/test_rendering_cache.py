"""Markdown rendering is cached per process; the cache is bounded and never mixes texts up."""

from courses import rendering


def test_the_render_cache_is_bounded_by_its_named_limit() -> None:
    rendering._markdown_render_cached.cache_clear()
    for number in range(rendering.MARKDOWN_CACHE_ENTRIES + 10):
        rendering.markdown_render(text=f"item {number}")
    info = rendering._markdown_render_cached.cache_info()
    assert info.maxsize == rendering.MARKDOWN_CACHE_ENTRIES
    assert info.currsize == rendering.MARKDOWN_CACHE_ENTRIES


def test_a_cached_render_is_the_render_of_that_text() -> None:
    first = rendering.markdown_render(text="Run `docker ps` <script>x</script>")
    again = rendering.markdown_render(text="Run `docker ps` <script>x</script>")
    other = rendering.markdown_render(text="Run `docker images`")
    assert first == again
    assert "<code>docker ps</code>" in first
    assert "<script>" not in first
    assert "<code>docker images</code>" in other
    assert rendering.markdown_render_inline(text="*a*") == "<em>a</em>"
