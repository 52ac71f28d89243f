"""How long every Dockerfile rule takes on the largest answer a question accepts.

A learner's Dockerfile may be up to MAX_FILE_CHARACTERS (64 KiB). Each shape below fills that
limit with one kind of instruction (thousands of COPYs, ENV chains, heredoc RUNs, stages that
copy from each other) and runs `run_all` with a .dockerignore and declared secrets, so every
rule works. Target: each under 2 s on this machine (2 shared cores), so that a hostile answer
cannot stall an answer save.

    .venv/bin/python bench/bench_dockerfile_rules.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graders.dockerfile_rules import run_all
from graders.rule_results import RuleOptions

# The longest Dockerfile a question accepts (assessments.question_types.dockerfile).
MAX_FILE_CHARACTERS = 64 * 1024

TARGET_SECONDS = 2.0
SHAPES = {
    "copy": "COPY a b\n",
    "apt-run": "RUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n",
    "env": "ENV A=1\n",
    "env-copy-user": "ENV A$X=1\nCOPY ${A} /x/\nUSER $A\n",
    "pip-run": "RUN pip install x\n",
    "heredoc-run": "RUN <<EOF\napt-get install -y gcc\nEOF\n",
    "stages": "FROM a:1\nCOPY --from=0 / /\n",
    "workdir-copy": "WORKDIR a\nCOPY . .\n",
}
OPTIONS = RuleOptions(secret_files=(".env",), secret_values=("pw",), dockerignore_text=".env\n")


def fill(body: str) -> str:
    header = "FROM a:1 AS b\n"
    return header + body * ((MAX_FILE_CHARACTERS - len(header)) // len(body))


def main() -> None:
    print(f"{'shape':<16}{'lines':>8}{'seconds':>10}  target < {TARGET_SECONDS} s")
    for name, body in SHAPES.items():
        text = fill(body)
        started = time.perf_counter()
        run_all(text, options=OPTIONS)
        elapsed = time.perf_counter() - started
        verdict = "ok" if elapsed < TARGET_SECONDS else "SLOW"
        print(f"{name:<16}{text.count(chr(10)):>8}{elapsed:>10.2f}  {verdict}")


if __name__ == "__main__":
    main()
