"""Everything a check may look at during one grading job, computed once and shared.

Static facts (the parsed Dockerfile, rule results, hadolint findings) are cached on first use;
dynamic ones (image attributes, the file listing, the running app) are created lazily by the
checks that need them, inside the job's scope, so they are cleaned up with it.
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import docker

from graders.data import TaskSpec
from graders.dockerfile_parser import Dockerfile, DockerfileSyntaxError, parse_dockerfile
from graders.dockerfile_rules import run_all
from graders.dockerignore import DockerignorePatternError
from graders.rule_results import RuleOptions, RuleResult, rule_result
from graders.sandbox.build import BuildOutcome

if TYPE_CHECKING:
    from graders.cache import TaskImageCache
    from graders.checks.hadolint import HadolintFinding
    from graders.checks.image_files import ImageFiles, ImagePaths
    from graders.checks.service import AppService
    from graders.commands_runner import CommandsPlan, CommandsRun


@dataclass
class GradingContext:
    task: TaskSpec
    job_id: str
    # Monotonic time by which the whole job must be finished.
    deadline: float
    # The build context: the task's provided files with the learner's files.
    files: Mapping[str, bytes] = field(default_factory=dict)
    dockerfile_text: str | None = None
    # None when the learner sent no .dockerignore (its rules are then reported as failing).
    dockerignore_text: str | None = None
    client: docker.DockerClient | None = None
    cache: "TaskImageCache | None" = None
    network: str | None = None
    build: BuildOutcome | None = None
    # Wall-clock time the build started, to find what it left behind.
    build_started_at: float = 0.0
    # Commands submissions: the accepted plan, the task images by reference, what ran.
    commands_plan: "CommandsPlan | None" = None
    task_image_ids: dict[str, str] = field(default_factory=dict)
    commands: "CommandsRun | None" = None
    _memo: dict[Any, Any] = field(default_factory=dict)

    # -- time ------------------------------------------------------------------------------

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    # -- static ----------------------------------------------------------------------------

    def dockerfile(self) -> Dockerfile:
        """The parsed Dockerfile; raises DockerfileSyntaxError (learner-facing) if it does not
        parse."""
        if "dockerfile" not in self._memo:
            try:
                self._memo["dockerfile"] = parse_dockerfile(self.dockerfile_text or "")
            except DockerfileSyntaxError as error:
                self._memo["dockerfile"] = error
        parsed = self._memo["dockerfile"]
        if isinstance(parsed, DockerfileSyntaxError):
            raise parsed
        assert isinstance(parsed, Dockerfile)
        return parsed

    def rule(self, rule_id: str, options: RuleOptions | None = None) -> RuleResult:
        """One dockerfile_rules result, judged against the job's real build context (its files
        and .dockerignore) plus what `options` declares (secret values and files, tag credit).

        Raises DockerfileSyntaxError if the file does not parse.
        """
        declared = options or RuleOptions()
        # No .dockerignore excludes nothing: its own rules then fail, as on an empty file.
        options = RuleOptions(
            dockerignore_text=self.dockerignore_text or "",
            secret_values=declared.secret_values,
            secret_files=declared.secret_files,
            context_paths=tuple(self.files),
            tag_credit=declared.tag_credit,
        )
        key = ("rule", rule_id, options)
        if key not in self._memo:
            self.dockerfile()
            try:
                (result,) = run_all(self.dockerfile_text or "", rule_ids=[rule_id], options=options)
            except DockerignorePatternError as error:
                result = rule_result(
                    rule_id, passed=False, message=f"Docker refuses the .dockerignore: {error}"
                )
            self._memo[key] = result
        result = self._memo[key]
        assert isinstance(result, RuleResult)
        return result

    def hadolint(self) -> "list[HadolintFinding]":
        from graders.checks.hadolint import run_hadolint

        if "hadolint" not in self._memo:
            self._memo["hadolint"] = run_hadolint(self.dockerfile_text or "")
        findings: list[HadolintFinding] = self._memo["hadolint"]
        return findings

    # -- dynamic ---------------------------------------------------------------------------

    def engine(self) -> docker.DockerClient:
        if self.client is None:
            raise RuntimeError("dynamic check run without a Docker client")
        return self.client

    @property
    def image_id(self) -> str | None:
        return self.build.image_id if self.build is not None else None

    def image_attrs(self) -> dict[str, Any]:
        if "image_attrs" not in self._memo:
            assert self.image_id is not None
            self._memo["image_attrs"] = self.engine().images.get(self.image_id).attrs
        attrs: dict[str, Any] = self._memo["image_attrs"]
        return attrs

    def image_files(self) -> "ImageFiles":
        from graders.checks.image_files import list_image_files

        if "image_files" not in self._memo:
            assert self.image_id is not None
            self._memo["image_files"] = list_image_files(
                self.engine(), self.image_id, job_id=self.job_id
            )
        files: ImageFiles = self._memo["image_files"]
        return files

    def image_paths(self) -> "ImagePaths":
        """Cheap path-existence checks on the built image (see ImagePaths)."""
        from graders.checks.image_files import ImagePaths

        if "image_paths" not in self._memo:
            assert self.image_id is not None
            self._memo["image_paths"] = ImagePaths(self.engine(), self.image_id, job_id=self.job_id)
        paths: ImagePaths = self._memo["image_paths"]
        return paths

    def app(self) -> "AppService":
        """The learner's app, started once (hardened) on the job's network and shared."""
        from graders.checks.service import AppService

        if "app" not in self._memo:
            assert self.image_id is not None
            assert self.network is not None
            self._memo["app"] = AppService(self)
        app: AppService = self._memo["app"]
        return app

    def started_app(self) -> "AppService | None":
        """The app if a check already started it (for log collection), else None."""
        app = self._memo.get("app")
        return app if app is not None else None
