"""Which docker commands the grader knows, every spelling of each, and each one's flags.

A flag's short form depends on the command (`-t` is `--tty` for run but `--tag` for build, `-f`
is `--force`, `--filter`, `--follow` or `--file`), so every command has its own table, kept by
family: `docker_cli_specs_container`, `_image`, `_resources` and `_compose`. The tables cover
the commands a Docker basics course teaches, with every flag Docker 20.10 to 28 accepts for
them; a flag missing from a table makes the grader say it does not expect that flag, never
that Docker lacks it.
"""

from graders.docker_cli_command_spec import CommandSpec
from graders.docker_cli_specs_compose import COMPOSE_GLOBAL_FLAGS, COMPOSE_SPECS
from graders.docker_cli_specs_container import CONTAINER_SPECS
from graders.docker_cli_specs_image import IMAGE_SPECS
from graders.docker_cli_specs_resources import RESOURCE_SPECS

COMMAND_SPECS: tuple[CommandSpec, ...] = (
    *CONTAINER_SPECS,
    *IMAGE_SPECS,
    *RESOURCE_SPECS,
    *COMPOSE_SPECS,
)
SPECS_BY_PATH: dict[tuple[str, ...], CommandSpec] = {spec.path: spec for spec in COMMAND_SPECS}
# Every way to name a command (`docker ps`, `docker container list`, …) -> its canonical path.
COMMAND_ALIASES: dict[tuple[str, ...], tuple[str, ...]] = {
    **{spec.path: spec.path for spec in COMMAND_SPECS},
    **{tuple(alias.split()): spec.path for spec in COMMAND_SPECS for alias in spec.aliases},
}
MANAGEMENT_GROUPS = frozenset(path[0] for path in COMMAND_ALIASES if len(path) > 1)
LONGEST_PATH = max(len(path) for path in COMMAND_ALIASES)
COMPOSE_GROUP = "compose"

__all__ = [
    "COMMAND_ALIASES",
    "COMMAND_SPECS",
    "COMPOSE_GLOBAL_FLAGS",
    "COMPOSE_GROUP",
    "LONGEST_PATH",
    "MANAGEMENT_GROUPS",
    "SPECS_BY_PATH",
    "CommandSpec",
]
